import Foundation

/// No number is called more than `maxCalls` times in any `periodDays` days, across
/// campaigns. Counts dials (attempts placed), whatever their outcome.
public struct FrequencyCap: Sendable, Equatable {
    public var maxCalls: Int
    public var periodDays: Int

    public init(maxCalls: Int, periodDays: Int) throws(CampaignError) {
        guard maxCalls >= 1, periodDays >= 1 else {
            throw CampaignError(.invalidDefinition, "frequency cap: max_calls ≥ 1 and period_days ≥ 1")
        }
        self.maxCalls = maxCalls
        self.periodDays = periodDays
    }

    public var periodSec: TimeInterval { TimeInterval(periodDays) * 86_400 }

    /// Whether one more dial at `date` keeps within the cap, given earlier dial times.
    public func allows(at date: Date, previousDials: [Date]) -> Bool {
        let from = date.addingTimeInterval(-periodSec)
        return previousDials.filter { $0 > from && $0 <= date }.count < maxCalls
    }

    /// When the next dial becomes allowed (the oldest counted dial leaves the period).
    public func nextAllowed(after date: Date, previousDials: [Date]) -> Date {
        let from = date.addingTimeInterval(-periodSec)
        let counted = previousDials.filter { $0 > from && $0 <= date }.sorted()
        guard counted.count >= maxCalls else { return date }
        return counted[counted.count - maxCalls].addingTimeInterval(periodSec)
    }
}
