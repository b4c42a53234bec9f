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
        /// A connection with nothing received or sent for this long is closed (whole
        /// seconds, rounded up; see `HTTPServer.Configuration.idleTimeoutMs`).
        public var idleTimeoutMs: Int
        /// Connections over this many wait in the listen backlog until one closes.
        public var maxConnections: Int

        public init(listenAddress: SocketAddress = .ipv4Loopback(port: 8089), token: String?,
                    openPaths: Set<String> = ["/healthz", "/metrics"], limits: HTTPLimits = HTTPLimits(),
                    idleTimeoutMs: Int = 30_000, maxConnections: Int = 64) {
            self.listenAddress = listenAddress
            self.token = token
            self.openPaths = openPaths
            self.limits = limits
            self.idleTimeoutMs = idleTimeoutMs
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
    /// `/metrics`. The sockets run on libmicrohttpd's own thread once `start()` is called.
    public init(configuration: Configuration, backend: any AdminBackend, metrics: MetricsRegistry) {
        self.configuration = configuration
        self.backend = backend
        self.metrics = metrics
        let auth = BearerTokenAuth(token: configuration.token, openPaths: configuration.openPaths)
        self.auth = auth
        let router = AdminRoutes.router(backend: backend, metrics: metrics)
        self.router = router
        let httpConfiguration = HTTPServer.Configuration(
            listenAddress: configuration.listenAddress, limits: configuration.limits,
            idleTimeoutMs: configuration.idleTimeoutMs, maxConnections: configuration.maxConnections)
        self.http = HTTPServer(configuration: httpConfiguration) { request in
            await AdminServer.respond(to: request, auth: auth, router: router, metrics: metrics)
        }
    }

    /// Binds and starts serving on libmicrohttpd's thread.
    public func start() throws(HTTPServerError) { try http.start() }

    /// Stops listening and closes connections; returns when the server thread has ended.
    public func stop() { http.stop() }

    /// Refuses new requests and answers those in flight (up to `graceMs`), then stops.
    public func stop(graceMs: Int) async { await http.stop(graceMs: graceMs) }

    /// The bound address once started.
    public var localAddress: SocketAddress? { http.localAddress }

    /// Open HTTP connections (0 when not running).
    public var connectionCount: Int { http.connectionCount }

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
