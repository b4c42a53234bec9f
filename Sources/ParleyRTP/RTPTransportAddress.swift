/// A UDP source or destination as plain bits (no sockets here): IPv4 in `low`'s low
/// 32 bits, IPv6 as two 64-bit halves. The media layer converts from socket addresses.
public struct RTPTransportAddress: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public enum Family: UInt8, Sendable, BitwiseCopyable { case ipv4, ipv6 }

    public var family: Family
    public var high: UInt64
    public var low: UInt64
    public var port: UInt16

    public init(ipv4 address: UInt32, port: UInt16) {
        family = .ipv4
        high = 0
        low = UInt64(address)
        self.port = port
    }

    public init(ipv6High high: UInt64, low: UInt64, port: UInt16) {
        family = .ipv6
        self.high = high
        self.low = low
        self.port = port
    }

    /// Parses a dotted-quad IPv4 address (used by tests and configuration, not per packet).
    public init?(ipv4 text: String, port: UInt16) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for p in parts {
            guard p.count <= 3, let octet = UInt8(p) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        self.init(ipv4: value, port: port)
    }

    public var description: String {
        switch family {
        case .ipv4:
            let a = UInt32(truncatingIfNeeded: low)
            return "\(a >> 24).\((a >> 16) & 0xFF).\((a >> 8) & 0xFF).\(a & 0xFF):\(port)"
        case .ipv6:
            return "[\(String(high, radix: 16)):\(String(low, radix: 16))]:\(port)"
        }
    }
}
