import Foundation

/// The field checks `CampaignDefinition.init` makes, one per field, so that a loader can
/// run each at the place the value was written and report every failure, not just the first.
extension CampaignDefinition {
    public static let maxConcurrentCallsRange = 1...10_000
    public static let ringTimeoutSecRange = 5...300

    public static func validateID(_ id: String) throws(CampaignError) {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw CampaignError(.invalidDefinition, "id must be letters, digits, '-' or '_'")
        }
    }

    /// Returns the caller ID in canonical E.164 form.
    public static func validateCallerID(_ callerID: String) throws(CampaignError) -> String {
        guard let caller = PhoneNumber.normalizedE164(callerID) else {
            throw CampaignError(.invalidNumber, "caller_id is not E.164")
        }
        return caller
    }

    public static func validateMaxConcurrentCalls(_ value: Int) throws(CampaignError) {
        guard maxConcurrentCallsRange.contains(value) else {
            throw CampaignError(.invalidDefinition, "max_concurrent_calls must be 1 … 10000")
        }
    }

    public static func validateCallsPerSecond(_ value: Double) throws(CampaignError) {
        guard value > 0, value <= 10_000 else {
            throw CampaignError(.invalidDefinition, "calls_per_second must be in (0, 10000]")
        }
    }

    public static func validateRingTimeoutSec(_ value: Int) throws(CampaignError) {
        guard ringTimeoutSecRange.contains(value) else {
            throw CampaignError(.invalidDefinition, "ring_timeout_sec must be 5 … 300")
        }
    }

    public static func validateTimeZone(_ identifier: String) throws(CampaignError) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else {
            throw CampaignError(.invalidTimeZone, "unknown time zone '\(identifier)'")
        }
        return zone
    }

    /// `index` is 0-based; the message counts from 1. Returns the canonical E.164 form.
    public static func validateDoNotCallEntry(_ number: String, index: Int) throws(CampaignError) -> String {
        guard let normalized = PhoneNumber.normalizedE164(number) else {
            throw CampaignError(.invalidNumber, "do_not_call entry \(index + 1) is not E.164")
        }
        return normalized
    }
}
