// SocketAddress — an IPv4 or IPv6 address and port as plain data (numeric hosts only;
// name resolution is not done here).
//
// Safety invariants: the C `parley_linux_addr` is POD; its byte tuple is only read
// through `withUnsafeBytes` within bounds (16 bytes), and C calls receive pointers to
// locals that outlive the call.
import CParleyLinux

public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case ipv4, ipv6 }

    var raw: parley_linux_addr

    init(raw: parley_linux_addr) { self.raw = raw }

    /// A numeric IPv4 or IPv6 host ("192.0.2.1", "::1", "fe80::1%lo"); nil otherwise.
    public init?(host: String, port: UInt16) {
        var raw = parley_linux_addr()
        let rc = host.withCString { parley_linux_addr_parse($0, port, &raw) }
        guard rc == 0 else { return nil }
        self.raw = raw
    }

    /// Parses "host:port", "[v6]:port", or a bare host (then `defaultPort`, if given).
    /// A bare IPv6 literal without brackets is accepted only without a port.
    public init?(parsing text: String, defaultPort: UInt16? = nil) {
        var host = Substring(text)
        var port = defaultPort
        let bracketed = host.hasPrefix("[")
        if bracketed {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = UInt16(rest.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = host.firstIndex(of: ":"), host[host.index(after: colon)...].firstIndex(of: ":") == nil {
            guard let p = UInt16(host[host.index(after: colon)...]) else { return nil }
            port = p
            host = host[..<colon]
        }
        guard let port, !host.isEmpty else { return nil }
        self.init(host: String(host), port: port)
        if bracketed && family != .ipv6 { return nil }
    }

    public static func ipv4Loopback(port: UInt16) -> SocketAddress { SocketAddress(host: "127.0.0.1", port: port)! }
    public static func ipv6Loopback(port: UInt16) -> SocketAddress { SocketAddress(host: "::1", port: port)! }
    public static func ipv4Any(port: UInt16) -> SocketAddress { SocketAddress(host: "0.0.0.0", port: port)! }
    public static func ipv6Any(port: UInt16) -> SocketAddress { SocketAddress(host: "::", port: port)! }

    public var family: Family {
        raw.family == Int32(PARLEY_LINUX_FAMILY_INET6) ? .ipv6 : .ipv4
    }

    public var port: UInt16 {
        get { raw.port }
        set { raw.port = newValue }
    }

    /// Numeric host without brackets.
    public var host: String {
        var raw = self.raw
        var buffer = [CChar](repeating: 0, count: 64)
        let rc = buffer.withUnsafeMutableBufferPointer { parley_linux_addr_format(&raw, $0.baseAddress!, $0.count) }
        guard rc == 0 else { return "?" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Address bytes in network order (4 for IPv4, 16 for IPv6).
    public var addressBytes: [UInt8] {
        withUnsafeBytes(of: raw.bytes) { Array($0.prefix(family == .ipv4 ? 4 : 16)) }
    }

    /// The address bits in network order as two 64-bit halves (IPv4: the 32 bits in the
    /// low half, high 0), without allocating (for per-packet source comparisons).
    public var addressHalves: (high: UInt64, low: UInt64) {
        let ipv4 = family == .ipv4
        return withUnsafeBytes(of: raw.bytes) { b in
            if ipv4 { return (0, UInt64(b[0]) << 24 | UInt64(b[1]) << 16 | UInt64(b[2]) << 8 | UInt64(b[3])) }
            var high: UInt64 = 0, low: UInt64 = 0
            for i in 0..<8 { high = high << 8 | UInt64(b[i]) }
            for i in 8..<16 { low = low << 8 | UInt64(b[i]) }
            return (high, low)
        }
    }

    /// "192.0.2.1:5060" or "[2001:db8::1]:5060".
    public var description: String {
        family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public var isLoopback: Bool {
        let bytes = addressBytes
        if family == .ipv4 { return bytes[0] == 127 }
        return bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
    }

    public static func == (a: SocketAddress, b: SocketAddress) -> Bool {
        a.raw.family == b.raw.family && a.raw.port == b.raw.port && a.raw.scope_id == b.raw.scope_id
            && withUnsafeBytes(of: a.raw.bytes) { x in withUnsafeBytes(of: b.raw.bytes) { y in x.elementsEqual(y) } }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(raw.family)
        hasher.combine(raw.port)
        hasher.combine(raw.scope_id)
        withUnsafeBytes(of: raw.bytes) { hasher.combine(bytes: $0) }
    }
}
