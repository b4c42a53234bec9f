import Foundation
import Synchronization

/// Durable campaign state. The daemon implements it over SQLite; `InMemoryCampaignStateStore`
/// serves tests. Writes must be durable when they return (the scheduler's "persist" actions
/// are executed, in order, before the following "place call" action).
public protocol CampaignStateStore: Sendable {
    func saveAttempt(_ record: AttemptRecord) throws
    func saveContact(_ progress: ContactProgress) throws
    func attempts(campaignID: String) throws -> [AttemptRecord]
    func contacts(campaignID: String) throws -> [ContactProgress]
    /// Start times of attempts to `contactID` in any campaign since `since` (frequency caps).
    func dialTimes(contactID: String, since: Date) throws -> [Date]
    /// One contact's attempts in this campaign, oldest first.
    func attempts(campaignID: String, contactID: String) throws -> [AttemptRecord]
}

extension CampaignStateStore {
    public func attempts(campaignID: String, contactID: String) throws -> [AttemptRecord] {
        try attempts(campaignID: campaignID).filter { $0.contactID == contactID }.sorted { $0.attemptNumber < $1.attemptNumber }
    }
}

public final class InMemoryCampaignStateStore: CampaignStateStore {
    private struct State {
        var attempts: [String: AttemptRecord] = [:]
        var attemptOrder: [String] = []
        var contacts: [String: ContactProgress] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public func saveAttempt(_ record: AttemptRecord) {
        state.withLock {
            if $0.attempts[record.attemptID] == nil { $0.attemptOrder.append(record.attemptID) }
            $0.attempts[record.attemptID] = record
        }
    }

    public func saveContact(_ progress: ContactProgress) {
        state.withLock { $0.contacts[progress.campaignID + "#" + progress.contactID] = progress }
    }

    public func attempts(campaignID: String) -> [AttemptRecord] {
        state.withLock { s in s.attemptOrder.compactMap { s.attempts[$0] }.filter { $0.campaignID == campaignID } }
    }

    public func contacts(campaignID: String) -> [ContactProgress] {
        state.withLock { $0.contacts.values.filter { $0.campaignID == campaignID }.sorted { $0.contactID < $1.contactID } }
    }

    public func dialTimes(contactID: String, since: Date) -> [Date] {
        state.withLock { $0.attempts.values.filter { $0.contactID == contactID && $0.startedAt > since }.map(\.startedAt) }
    }
}
