/// A/B assignment: each contact gets one variant, chosen by weight, and keeps it across
/// attempts and restarts because the choice is a stable hash of campaign and contact.
public struct VariantAssigner: Sendable, Equatable {
    public struct Variant: Sendable, Equatable {
        public var name: String
        public var weight: Int
        public init(name: String, weight: Int) { self.name = name; self.weight = weight }
    }

    public let variants: [Variant]
    public let totalWeight: Int

    public init(variants: [Variant]) throws(CampaignError) {
        guard !variants.isEmpty else { throw CampaignError(.invalidDefinition, "at least one variant") }
        guard variants.allSatisfy({ $0.weight >= 0 }), variants.contains(where: { $0.weight > 0 }) else {
            throw CampaignError(.invalidDefinition, "variant weights must be ≥ 0 and not all 0")
        }
        guard Set(variants.map(\.name)).count == variants.count else {
            throw CampaignError(.invalidDefinition, "variant names must be unique")
        }
        self.variants = variants
        self.totalWeight = variants.reduce(0) { $0 + $1.weight }
    }

    public func assign(contactID: String, campaignID: String) -> String {
        let point = Int(Self.stableHash(campaignID + "\u{0}" + contactID) % UInt64(totalWeight))
        var cumulative = 0
        for variant in variants {
            cumulative += variant.weight
            if point < cumulative { return variant.name }
        }
        return variants[variants.count - 1].name
    }

    /// FNV-1a 64 over UTF-8 with a SplitMix64 finaliser: the same on every run and platform.
    public static func stableHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 30; h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27; h = h &* 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return h
    }
}
