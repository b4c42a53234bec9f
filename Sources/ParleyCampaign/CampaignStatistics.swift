import Foundation

/// Campaign figures from persisted attempts: per variant, attempts, connect rate (a person
/// or machine answered), AMD machine rate, completion (contacts with a final result) and
/// conversion (answered contacts carrying the conversion tag) with Wilson 95 % intervals,
/// and a two-proportion z-test between the first two variants.
public struct CampaignStatistics: Sendable, Equatable {
    public struct Proportion: Sendable, Equatable {
        public var successes: Int
        public var trials: Int
        public var rate: Double { trials == 0 ? 0 : Double(successes) / Double(trials) }
        /// Wilson score interval at z = 1.96.
        public var wilson95: ClosedRange<Double> {
            guard trials > 0 else { return 0...1 }
            let z = 1.959964, n = Double(trials), p = rate
            let denominator = 1 + z * z / n
            let centre = (p + z * z / (2 * n)) / denominator
            let half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
            return max(0, centre - half)...min(1, centre + half)
        }
    }

    public struct VariantFigures: Sendable, Equatable {
        public var variant: String
        public var contacts: Int
        public var attempts: Int
        public var connected: Proportion
        public var machine: Proportion
        public var conversion: Proportion
    }

    public var variants: [VariantFigures]
    /// Two-sided p-value of the conversion difference between the first two variants.
    public var conversionPValue: Double?

    public init(attempts: [AttemptRecord], conversionTag: String?) {
        let byVariant = Dictionary(grouping: attempts) { $0.variant ?? "-" }
        variants = byVariant.keys.sorted().map { name in
            let rows = byVariant[name]!
            let contacts = Dictionary(grouping: rows, by: \.contactID)
            let answered = rows.filter { $0.answeredAt != nil }
            let humanContacts = contacts.values.filter { $0.contains { $0.outcome == .answered } }
            let converted = humanContacts.filter { rows in
                conversionTag.map { tag in rows.contains { $0.tags.contains(tag) } } ?? false
            }
            return VariantFigures(
                variant: name, contacts: contacts.count, attempts: rows.count,
                connected: Proportion(successes: answered.count, trials: rows.count),
                machine: Proportion(successes: answered.filter { $0.amd == .machine }.count, trials: answered.count),
                conversion: Proportion(successes: converted.count, trials: humanContacts.count))
        }
        if variants.count >= 2 {
            conversionPValue = Self.twoProportionPValue(variants[0].conversion, variants[1].conversion)
        }
    }

    /// Pooled two-proportion z-test, two-sided.
    public static func twoProportionPValue(_ a: Proportion, _ b: Proportion) -> Double? {
        guard a.trials > 0, b.trials > 0 else { return nil }
        let pooled = Double(a.successes + b.successes) / Double(a.trials + b.trials)
        let se = sqrt(pooled * (1 - pooled) * (1 / Double(a.trials) + 1 / Double(b.trials)))
        guard se > 0 else { return 1 }
        let z = abs(a.rate - b.rate) / se
        return erfc(z / 2.0.squareRoot())
    }
}
