/// A trunk allowlist of CIDR blocks (`192.0.2.0/24`, `2001:db8::/32`, single addresses).
public struct CIDRAllowlist: Sendable, Equatable {
    public struct Block: Sendable, Equatable, CustomStringConvertible {
        public let network: IPAddress
        /// Prefix length over the 128-bit form (IPv4 prefixes are stored +96).
        public let prefixBits: Int

        public init?(_ text: String) {
            let parts = text.split(separator: "/", maxSplits: 1)
            guard let first = parts.first, let address = IPAddress(first) else { return nil }
            let maxBits = address.isIPv4 ? 32 : 128
            var bits = maxBits
            if parts.count == 2 {
                guard SIPGrammar.isDigits(parts[1]), let b = Int(parts[1]), b <= maxBits else { return nil }
                bits = b
            }
            network = address
            prefixBits = address.isIPv4 ? bits + 96 : bits
        }

        public func contains(_ address: IPAddress) -> Bool {
            guard address.isIPv4 == network.isIPv4 else { return false }
            var remaining = prefixBits
            for i in 0..<16 where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if address.bytes[i] & mask != network.bytes[i] & mask { return false }
                remaining -= 8
            }
            return true
        }

        public var description: String {
            "\(network)/\(network.isIPv4 ? prefixBits - 96 : prefixBits)"
        }
    }

    /// What to do with a request from a source outside the list.
    public enum Rejection: String, Sendable { case forbidden403, silentDrop }

    public var blocks: [Block]
    public var rejection: Rejection

    /// Builds from text entries; returns nil naming nothing when any entry is malformed
    /// (configuration errors are reported by the caller with the entry's position).
    public init?(_ entries: [String], rejection: Rejection = .silentDrop) {
        var blocks: [Block] = []
        for e in entries {
            guard let b = Block(e) else { return nil }
            blocks.append(b)
        }
        self.blocks = blocks
        self.rejection = rejection
    }

    /// An empty list allows everyone (no allowlist configured).
    public func allows(_ address: IPAddress) -> Bool {
        blocks.isEmpty || blocks.contains { $0.contains(address) }
    }
}
