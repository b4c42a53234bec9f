import ParleyRealtime

/// Digest credentials (RFC 2617 / RFC 8760) used when a trunk challenges with 401/407.
public struct DigestCredentials: Sendable, Equatable {
    public var username: String
    /// Resolved secret: written inline as `password:` or read from `password_env:`.
    public var password: String
    /// The environment variable the password came from, if any (for summaries).
    public var passwordEnvironmentVariable: String?
    /// Realm to answer; nil answers any realm.
    public var realm: String?

    public init(username: String, password: String, passwordEnvironmentVariable: String? = nil,
                realm: String? = nil) {
        self.username = username
        self.password = password
        self.passwordEnvironmentVariable = passwordEnvironmentVariable
        self.realm = realm
    }
}

/// A SIP trunk (carrier or SBC): where outbound INVITEs go, which sources may send
/// inbound requests, and who we say we are.
public struct TrunkConfiguration: Sendable, Equatable {
    public var name: String
    /// The trunk's SIP address (`host:port`, numeric host); nil for an inbound-only trunk.
    public var address: SocketAddress?
    /// Send outbound requests here instead of `address` (RFC 3261 outbound proxy).
    public var outboundProxy: SocketAddress?
    /// Sources allowed to send requests; empty allows none from this trunk.
    public var allow: [CIDRBlock]
    public var credentials: DigestCredentials?
    /// From URI for outbound calls (e.g. `sip:care@example.com`); nil uses `sip:parley@<advertised>`.
    public var fromURI: String?
    /// P-Asserted-Identity for outbound calls (RFC 3325); nil sends none.
    public var pAssertedIdentity: String?
    /// Caller ID (From display name / user) for outbound calls; nil sends none.
    public var callerID: String?

    public init(name: String, address: SocketAddress? = nil, outboundProxy: SocketAddress? = nil,
                allow: [CIDRBlock] = [], credentials: DigestCredentials? = nil, fromURI: String? = nil,
                pAssertedIdentity: String? = nil, callerID: String? = nil) {
        self.name = name
        self.address = address
        self.outboundProxy = outboundProxy
        self.allow = allow
        self.credentials = credentials
        self.fromURI = fromURI
        self.pAssertedIdentity = pAssertedIdentity
        self.callerID = callerID
    }
}
