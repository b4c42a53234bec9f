// AdminServer — the admin HTTP API: bearer-token auth, the /v1 routes over an
// AdminBackend, Prometheus metrics, request counting. Every route is also served without
// the `/v1` prefix (`/calls`, `/drain`, `/scripts/reload`, …).
import ParleyRealtime

public final class AdminServer: Sendable {
    public struct Configuration: Sendable {
        /// Loopback by default.
        public var listenAddress: SocketAddress
        /// Bearer token; nil or empty leaves the API open (only sensible on loopback).
        public var token: String?
        /// Paths served without a token.
        public var openPaths: Set<String>
        public var limits: HTTPLimits
        public var idleTimeoutMs: Int
        public var requestTimeoutMs: Int
        public var maxConnections: Int

        public init(listenAddress: SocketAddress = .ipv4Loopback(port: 8089), token: String?,
                    openPaths: Set<String> = ["/healthz", "/metrics"], limits: HTTPLimits = HTTPLimits(),
                    idleTimeoutMs: Int = 30_000, requestTimeoutMs: Int = 10_000, maxConnections: Int = 64) {
            self.listenAddress = listenAddress
            self.token = token
            self.openPaths = openPaths
            self.limits = limits
            self.idleTimeoutMs = idleTimeoutMs
            self.requestTimeoutMs = requestTimeoutMs
            self.maxConnections = maxConnections
        }
    }

    public let configuration: Configuration
    public let metrics: MetricsRegistry
    let backend: any AdminBackend
    let auth: BearerTokenAuth
    let router: HTTPRouter
    let http: HTTPServer

    /// The daemon's entry point: `backend` answers the API, `metrics` is exposed at
    /// `/metrics`, `loop` carries the sockets (the caller starts and stops it).
    public init(configuration: Configuration, backend: any AdminBackend, metrics: MetricsRegistry, loop: EventLoop) {
        self.configuration = configuration
        self.backend = backend
        self.metrics = metrics
        let auth = BearerTokenAuth(token: configuration.token, openPaths: configuration.openPaths)
        self.auth = auth
        let router = AdminRoutes.router(backend: backend, metrics: metrics)
        self.router = router
        let httpConfiguration = HTTPServer.Configuration(
            listenAddress: configuration.listenAddress, limits: configuration.limits,
            idleTimeoutMs: configuration.idleTimeoutMs, requestTimeoutMs: configuration.requestTimeoutMs,
            maxConnections: configuration.maxConnections)
        self.http = HTTPServer(configuration: httpConfiguration, loop: loop) { request in
            await AdminServer.respond(to: request, auth: auth, router: router, metrics: metrics)
        }
    }

    public func start() throws(RealtimeError) { try http.start() }

    /// Stops listening and closes connections (on the loop thread or after the loop stopped).
    public func stop() { http.stop() }

    /// The bound address once started.
    public var localAddress: SocketAddress? { http.localAddress }

    /// Auth, routing and request counting for one request (also usable without sockets).
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        await Self.respond(to: request, auth: auth, router: router, metrics: metrics)
    }

    static func respond(to request: HTTPRequest, auth: BearerTokenAuth, router: HTTPRouter,
                        metrics: MetricsRegistry) async -> HTTPResponse {
        let response: HTTPResponse
        if auth.isAuthorized(request) {
            response = await router.handle(request)
        } else {
            response = BearerTokenAuth.unauthorized()
        }
        metrics.counter("parley_admin_requests_total", help: "Admin API requests answered, by status code.",
                        labels: ["code": String(response.status)]).increment()
        return response
    }
}
