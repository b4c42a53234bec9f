import ParleyRealtime

/// One TCP connection carrying SIP: its framer, pending output and last activity.
/// Loop-thread only (owned by `SIPTransport`).
final class SIPStreamConnection {
    let id: Int
    let connection: TCPConnection
    let peer: SocketAddress
    var framer: SIPStreamFramer
    var pendingOutput: [UInt8] = []
    var connecting: Bool
    var lastActivityMs: Int64
    var watchingWritable = false

    init(id: Int, connection: TCPConnection, peer: SocketAddress, limits: SIPLimits, connecting: Bool, nowMs: Int64) {
        self.id = id
        self.connection = connection
        self.peer = peer
        self.framer = SIPStreamFramer(limits: limits)
        self.connecting = connecting
        self.lastActivityMs = nowMs
    }
}
