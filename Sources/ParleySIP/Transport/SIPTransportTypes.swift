import ParleyRealtime

/// The transports of RFC 3261 §18 that Parley speaks.
public enum SIPTransportProtocol: String, Sendable, Hashable {
    case udp = "UDP"
    case tcp = "TCP"

    public var isReliable: Bool { self == .tcp }
}

/// The far end of one hop: transport, address, and for TCP the connection a message
/// arrived on (responses go back on it, §18.2.2). `connectionID` 0 means "any / new".
public struct SIPPeer: Sendable, Hashable, CustomStringConvertible {
    public var transport: SIPTransportProtocol
    public var address: SocketAddress
    public var connectionID: Int

    public init(transport: SIPTransportProtocol, address: SocketAddress, connectionID: Int = 0) {
        self.transport = transport
        self.address = address
        self.connectionID = connectionID
    }

    public var description: String { "\(transport.rawValue) \(address)" }
}

/// Transport settings. Limits bound every buffer; `loopbackOnly` is a test guard that
/// refuses (and counts) any send to a non-loopback address.
public struct SIPTransportConfiguration: Sendable, Equatable {
    public var limits: SIPLimits
    public var maxTCPConnections: Int
    /// A TCP connection with no traffic for this long is closed.
    public var tcpIdleTimeoutMs: Int
    /// Datagrams read per recvmmsg call.
    public var udpBatchSize: Int
    public var loopbackOnly: Bool

    public init(limits: SIPLimits = .default, maxTCPConnections: Int = 1_024, tcpIdleTimeoutMs: Int = 120_000,
                udpBatchSize: Int = 32, loopbackOnly: Bool = false) {
        self.limits = limits
        self.maxTCPConnections = maxTCPConnections
        self.tcpIdleTimeoutMs = tcpIdleTimeoutMs
        self.udpBatchSize = udpBatchSize
        self.loopbackOnly = loopbackOnly
    }
}

/// What the transport counted. Every dropped input has a counter.
public struct SIPTransportCounters: Sendable, Equatable {
    public var framesReceived = 0
    public var bytesReceived = 0
    public var messagesSent = 0
    /// Datagrams longer than `limits.maxMessageBytes` (or the receive slot): dropped.
    public var oversizedDatagramsDropped = 0
    public var tcpAccepted = 0
    public var tcpRejectedAtLimit = 0
    public var tcpIdleClosed = 0
    public var tcpClosedByPeer = 0
    /// Streams that could not be framed (bad Content-Length, oversized): closed.
    public var tcpFramingErrors = 0
    public var keepAlivePings = 0
    public var sendFailures = 0
    /// Sends refused by `loopbackOnly` (must stay 0 in a correct test run).
    public var refusedNonLoopbackSends = 0
    /// Sends with no socket for the address family or transport.
    public var noRouteSends = 0

    public init() {}
}
