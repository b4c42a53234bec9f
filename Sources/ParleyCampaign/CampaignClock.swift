import Foundation

/// The runner's time source. The system clock in production; tests inject a manual clock
/// whose `sleep(until:)` returns when the test advances time past the deadline.
public protocol CampaignClock: Sendable {
    func now() -> Date
    /// Returns at or after `deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// Wall-clock time (`Date()`), sleeping with `Task.sleep`.
public struct SystemCampaignClock: CampaignClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64((seconds * 1e9).rounded(.up))) }
        try Task.checkCancellation()
    }
}
