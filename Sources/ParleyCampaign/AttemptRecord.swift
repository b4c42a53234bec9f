import Foundation

/// One call attempt as persisted. It is written with state `dialing` *before* the call is
/// placed, so after a crash every placed call has a record and is never placed again.
public struct AttemptRecord: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable { case dialing, ringing, answered, ended }

    /// `<campaign>#<contact number>#<attempt number>`: unique, deterministic.
    public var attemptID: String
    public var campaignID: String
    public var contactID: String
    public var attemptNumber: Int
    public var variant: String?
    public var state: State
    public var outcome: AttemptOutcome?
    public var sipStatus: Int?
    public var amd: AMDVerdict?
    public var tags: [String]
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date?
    /// Audio time from answer to the AMD decision.
    public var amdDecisionMs: Int?
    /// The call record's id in the store (`calls.call_id`), when a call was set up.
    public var callID: String?
    /// The dialogue's disposition, when it ran.
    public var disposition: String?

    public init(attemptID: String, campaignID: String, contactID: String, attemptNumber: Int, variant: String?,
                state: State, outcome: AttemptOutcome? = nil, sipStatus: Int? = nil, amd: AMDVerdict? = nil,
                tags: [String] = [], startedAt: Date, answeredAt: Date? = nil, endedAt: Date? = nil,
                amdDecisionMs: Int? = nil, callID: String? = nil, disposition: String? = nil) {
        self.attemptID = attemptID; self.campaignID = campaignID; self.contactID = contactID
        self.attemptNumber = attemptNumber; self.variant = variant; self.state = state
        self.outcome = outcome; self.sipStatus = sipStatus; self.amd = amd; self.tags = tags
        self.startedAt = startedAt; self.answeredAt = answeredAt; self.endedAt = endedAt
        self.amdDecisionMs = amdDecisionMs; self.callID = callID; self.disposition = disposition
    }

    public var isInFlight: Bool { state != .ended }
}

/// A contact's progress through the campaign as persisted.
public struct ContactProgress: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case pending, inFlight, done }
    public var campaignID: String
    public var contactID: String
    public var attemptsMade: Int
    public var status: Status
    public var nextEligibleAt: Date?
    public var finalOutcome: AttemptOutcome?
    /// Why the contact was never dialed ("do_not_call"), if so.
    public var skipReason: String?

    public init(campaignID: String, contactID: String, attemptsMade: Int, status: Status,
                nextEligibleAt: Date?, finalOutcome: AttemptOutcome? = nil, skipReason: String? = nil) {
        self.campaignID = campaignID; self.contactID = contactID; self.attemptsMade = attemptsMade
        self.status = status; self.nextEligibleAt = nextEligibleAt; self.finalOutcome = finalOutcome
        self.skipReason = skipReason
    }
}

/// The final result of a contact, for the CRM webhook and the CSV report.
public struct ContactResult: Sendable, Equatable {
    public var campaignID: String
    public var contactID: String
    public var variant: String?
    /// `nil` when the contact was skipped (see `skipReason`).
    public var outcome: AttemptOutcome?
    public var attempts: Int
    public var tags: [String]
    public var skipReason: String?
    public var finishedAt: Date
}
