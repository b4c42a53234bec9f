import ParleyRealtime

/// The `admin` section: the HTTP API and metrics endpoint.
public struct AdminConfiguration: Sendable, Equatable {
    /// Default 127.0.0.1:8080.
    public var listen: SocketAddress
    /// Bearer token for state-changing requests (inline `token:` or `token_env:`); nil
    /// refuses them unless the listener is loopback.
    public var token: String?
    public var tokenEnvironmentVariable: String?

    public init(listen: SocketAddress = .ipv4Loopback(port: 8080), token: String? = nil,
                tokenEnvironmentVariable: String? = nil) {
        self.listen = listen
        self.token = token
        self.tokenEnvironmentVariable = tokenEnvironmentVariable
    }
}
