import ParleyRealtime

/// SIP transports (`udp`, `tcp`), per RFC 3261 §18.
public enum SIPTransport: String, Sendable, Hashable, CaseIterable {
    case udp, tcp
}

/// One address the daemon listens on for SIP, and the transports it opens there.
public struct SIPListenAddress: Sendable, Hashable {
    public var address: SocketAddress
    public var transports: [SIPTransport]

    public init(address: SocketAddress, transports: [SIPTransport] = [.udp, .tcp]) {
        self.address = address
        self.transports = transports
    }
}

/// What happens to requests from sources outside every trunk's allowlist.
public enum UnlistedSourcePolicy: String, Sendable, Hashable, CaseIterable {
    /// Answer `403 Forbidden`.
    case forbidden
    /// Drop without a reply (counted).
    case drop
}

/// The `sip` section: listeners, timers (RFC 3261 §17.1.1.1), limits and protection.
public struct SIPConfiguration: Sendable, Equatable {
    /// Default: 127.0.0.1:5060 with UDP and TCP.
    public var listen: [SIPListenAddress]
    /// Host written into Via/Contact/SDP instead of the listen address (behind NAT or a
    /// load balancer); nil uses the listen address.
    public var advertisedAddress: String?
    /// RTT estimate (default 500 ms).
    public var t1Ms: Int
    /// Longest non-INVITE retransmit interval (default 4000 ms).
    public var t2Ms: Int
    /// Longest time a message stays in the network (default 5000 ms).
    public var t4Ms: Int
    /// Largest SIP message accepted on any transport (default 65535 bytes).
    public var maxMessageBytes: Int
    /// Concurrent calls; INVITEs beyond get 503 with Retry-After (default 100).
    public var maxCalls: Int
    /// Requests per second allowed from one source address (default 50); 0 disables.
    public var rateLimitPerSecond: Int
    /// Requests a source may send in a burst above the rate (default 100).
    public var rateLimitBurst: Int
    /// Retry-After seconds on 503 for rate limit, capacity and drain (default 5).
    public var retryAfterS: Int
    /// Sources outside every trunk allowlist (only when some trunk has one): default `forbidden`.
    public var unlistedSources: UnlistedSourcePolicy

    public init(listen: [SIPListenAddress] = [SIPListenAddress(address: .ipv4Loopback(port: 5060))],
                advertisedAddress: String? = nil, t1Ms: Int = 500, t2Ms: Int = 4000, t4Ms: Int = 5000,
                maxMessageBytes: Int = 65535, maxCalls: Int = 100, rateLimitPerSecond: Int = 50,
                rateLimitBurst: Int = 100, retryAfterS: Int = 5,
                unlistedSources: UnlistedSourcePolicy = .forbidden) {
        self.listen = listen
        self.advertisedAddress = advertisedAddress
        self.t1Ms = t1Ms
        self.t2Ms = t2Ms
        self.t4Ms = t4Ms
        self.maxMessageBytes = maxMessageBytes
        self.maxCalls = maxCalls
        self.rateLimitPerSecond = rateLimitPerSecond
        self.rateLimitBurst = rateLimitBurst
        self.retryAfterS = retryAfterS
        self.unlistedSources = unlistedSources
    }
}
