import Foundation

// The contract between the campaign runner (this module) and the call layer that places
// outbound calls (ParleyCall, adapted in parleyd). ParleyCampaign never imports the call
// layer: the daemon hands the runner a `CampaignCallPlacing`, and the call layer runs an
// `AnswerAnalyzer` (AnswerAnalyzer.swift) on the callee's first audio after answer.

/// Places one outbound call attempt and waits for its end. Implemented by the daemon over
/// its SIP UAC and call sessions; tests use fakes.
///
/// Rules for an implementation:
/// - `request.attemptID` is an idempotency key: the runner never places the same id twice,
///   and an implementation that is asked twice (e.g. through a retried RPC) must not dial
///   twice — return the first call's result.
/// - The call layer owns ring timing: it sends CANCEL after `ringTimeoutSec` without a
///   final response and reports `.noAnswer`. It also owns early-media analysis (a special
///   information tone ends the attempt as `.invalidNumber`).
/// - After answer it runs an `AnswerAnalyzer` on the callee's audio: a person (or an
///   undecided verdict) gets the dialogue (`script` with `variables`); a machine gets the
///   voicemail message after the beep when `leaveVoicemail` is set, else a hang-up.
/// - Task cancellation means "stop this attempt" (the campaign was stopped): CANCEL before
///   answer, BYE after, then return promptly with what happened (`.noAnswer`/`.failed`
///   before answer, `.dropped` after).
/// - The result comes back once the call has ended, with the call record committed.
public protocol CampaignCallPlacing: Sendable {
    func place(_ request: CampaignCallRequest) async -> CampaignCallResult
}

/// One attempt to dial, as the runner asks for it.
public struct CampaignCallRequest: Sendable, Equatable {
    /// `<campaign>#<number>#<attempt number>`: unique and never dialled twice. Use it as the
    /// idempotency key and put it on the call record (e.g. as header `X-Parley-Attempt`).
    public var attemptID: String
    public var campaignID: String
    /// 1 for the first attempt to this contact.
    public var attemptNumber: Int
    /// The contact's number, E.164 (`+` and digits). Personal data: never in log text.
    public var number: String
    /// Trunk name in the daemon configuration.
    public var trunk: String
    /// Caller ID to present (E.164).
    public var callerID: String
    /// Dialogue script path for an answered call (resolved against the campaign file).
    public var script: String
    /// Script variables from the contact list; `variant` is included when A/B is on.
    public var variables: [String: String]
    /// The contact's A/B variant, sticky across attempts.
    public var variant: String?
    /// Seconds of ringing before CANCEL (counted as no answer).
    public var ringTimeoutSec: Int
    /// Answering-machine detection thresholds for the `AnswerAnalyzer`.
    public var amd: AMDConfiguration
    /// Leave the script's voicemail message after the beep when a machine answers.
    public var leaveVoicemail: Bool

    public init(attemptID: String, campaignID: String, attemptNumber: Int, number: String, trunk: String,
                callerID: String, script: String, variables: [String: String], variant: String?,
                ringTimeoutSec: Int, amd: AMDConfiguration = AMDConfiguration(), leaveVoicemail: Bool) {
        self.attemptID = attemptID
        self.campaignID = campaignID
        self.attemptNumber = attemptNumber
        self.number = number
        self.trunk = trunk
        self.callerID = callerID
        self.script = script
        self.variables = variables
        self.variant = variant
        self.ringTimeoutSec = ringTimeoutSec
        self.amd = amd
        self.leaveVoicemail = leaveVoicemail
    }
}

/// How one attempt ended, as the call layer reports it.
public struct CampaignCallResult: Sendable, Equatable {
    /// Final SIP status of the INVITE: 200 when answered, else the failure status (486,
    /// 603, 487 after our CANCEL, 408 …); `nil` when no response came at all.
    public var sipStatus: Int?
    /// The classified outcome. `.answered` means answered by a person (or AMD undecided) and
    /// the dialogue ran to its end; use `classifyFailure` / `classifyAnswered` to derive it.
    public var outcome: AttemptOutcome
    /// AMD verdict when the call was answered and analysed.
    public var amd: AMDVerdict?
    /// Audio time from answer to the AMD decision, in milliseconds.
    public var amdDecisionMs: Int?
    /// Whether a voicemail message was played after the beep.
    public var voicemailLeft: Bool
    /// The call record's id in the store (`calls.call_id`), when a call was set up.
    public var callID: String?
    /// SIP Call-ID of the INVITE.
    public var sipCallID: String?
    /// The dialogue's disposition (as in `X-Parley-Disposition`), when it ran.
    public var disposition: String?
    /// Tags set by the dialogue.
    public var tags: [String]
    /// Wall-clock time of the 200 OK, when answered.
    public var answeredAt: Date?

    public init(sipStatus: Int?, outcome: AttemptOutcome, amd: AMDVerdict? = nil, amdDecisionMs: Int? = nil,
                voicemailLeft: Bool = false, callID: String? = nil, sipCallID: String? = nil,
                disposition: String? = nil, tags: [String] = [], answeredAt: Date? = nil) {
        self.sipStatus = sipStatus
        self.outcome = outcome
        self.amd = amd
        self.amdDecisionMs = amdDecisionMs
        self.voicemailLeft = voicemailLeft
        self.callID = callID
        self.sipCallID = sipCallID
        self.disposition = disposition
        self.tags = tags
        self.answeredAt = answeredAt
    }

    /// Outcome of an INVITE that got no 2xx: 486/600 busy; 408, 480 and 487 after our own
    /// ring-timeout CANCEL no answer; 603 rejected; 404/410/484/604 invalid number; other
    /// statuses (and no response at all, `nil`) failed.
    public static func classifyFailure(sipStatus: Int?, afterRingTimeout: Bool) -> AttemptOutcome {
        guard let sipStatus else { return afterRingTimeout ? .noAnswer : .failed }
        return AttemptOutcome.classify(sipStatus: sipStatus, afterRingTimeout: afterRingTimeout)
    }

    /// Outcome of an answered call: a machine (or a message left) is `.voicemail`; a call
    /// cut off before the dialogue ended (`completed == false`) is `.dropped`; else `.answered`.
    public static func classifyAnswered(amd: AMDVerdict?, voicemailLeft: Bool, completed: Bool) -> AttemptOutcome {
        if amd == .machine || voicemailLeft { return .voicemail }
        return completed ? .answered : .dropped
    }
}
