import ParleyRealtime

/// An IPv4 or IPv6 network in CIDR notation (`192.0.2.0/24`, `2001:db8::/32`). A bare
/// address is a single host (`/32` or `/128`). Host bits must be zero.
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    public let family: SocketAddress.Family
    /// The network address bytes, network order (4 or 16).
    public let networkBytes: [UInt8]
    public let prefixLength: Int

    /// Nil when the text is not an address, the prefix is out of range, or host bits are set.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              let address = SocketAddress(host: String(parts[0]), port: 0) else { return nil }
        let bytes = address.addressBytes
        let width = bytes.count * 8
        var prefix = width
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let p = Int(parts[1]),
                  p >= 0, p <= width else { return nil }
            prefix = p
        }
        for (i, byte) in bytes.enumerated() where byte & ~CIDRBlock.mask(byteIndex: i, prefix: prefix) != 0 {
            return nil
        }
        self.family = address.family
        self.networkBytes = bytes
        self.prefixLength = prefix
    }

    /// True when `address` (port ignored) lies in this network.
    public func contains(_ address: SocketAddress) -> Bool {
        guard address.family == family else { return false }
        let bytes = address.addressBytes
        for i in 0..<bytes.count where bytes[i] & CIDRBlock.mask(byteIndex: i, prefix: prefixLength) != networkBytes[i] {
            return false
        }
        return true
    }

    public var description: String {
        let host = SocketAddress(host: hostText, port: 0)?.host ?? hostText
        return "\(host)/\(prefixLength)"
    }

    private var hostText: String {
        if family == .ipv4 { return networkBytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        for i in stride(from: 0, to: 16, by: 2) {
            groups.append(String(UInt16(networkBytes[i]) << 8 | UInt16(networkBytes[i + 1]), radix: 16))
        }
        return groups.joined(separator: ":")
    }

    private static func mask(byteIndex: Int, prefix: Int) -> UInt8 {
        let bits = min(max(prefix - byteIndex * 8, 0), 8)
        return bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
    }
}
