import ParleyStore

/// An outbound call to place through a trunk, for the campaign dialer (or the admin API).
public struct OutboundCallRequest: Sendable {
    /// Idempotency key of the attempt (also sent as `X-Parley-Attempt`).
    public var attemptID: String
    /// The number or SIP user to call (personal data: never logged).
    public var number: String
    /// Trunk name in the daemon configuration.
    public var trunk: String
    /// Caller ID to present (From user and display name); nil uses the trunk's.
    public var callerID: String?
    /// Dialogue script path for the answered call.
    public var scriptPath: String
    public var variables: [String: String]
    public var variant: String?
    /// Ringing longer than this is cancelled (no answer).
    public var ringTimeoutMs: Int
    /// Decides, from the callee's first audio, between a conversation, a voicemail message
    /// and a hang-up (answering-machine detection); nil starts the dialogue at once.
    public var screen: (any OutboundAnswerScreen)?

    public init(attemptID: String, number: String, trunk: String, callerID: String? = nil, scriptPath: String,
                variables: [String: String] = [:], variant: String? = nil, ringTimeoutMs: Int = 30_000,
                screen: (any OutboundAnswerScreen)? = nil) {
        self.attemptID = attemptID
        self.number = number
        self.trunk = trunk
        self.callerID = callerID
        self.scriptPath = scriptPath
        self.variables = variables
        self.variant = variant
        self.ringTimeoutMs = ringTimeoutMs
        self.screen = screen
    }
}

/// What to do with an answered outbound call.
public enum OutboundScreenDecision: Sendable, Equatable {
    /// A person (or undecided): run the dialogue.
    case converse
    /// A machine, after its greeting (and beep): play the script's `voicemail` prompt, hang up.
    case leaveMessage
    /// A machine and no message wanted: hang up.
    case hangUp
}

/// Answer screening (AMD), fed 10 ms frames of the callee's audio at 8 kHz from the answer on.
/// Called on the media event pump's thread; implementations keep their own state.
public protocol OutboundAnswerScreen: Sendable {
    /// Returns a decision once (then is not called again).
    func screen(_ frame: [Int16]) -> OutboundScreenDecision?
    /// The verdict for records (`human`, `machine`, `unknown`) and when it was made (audio ms).
    var verdict: (name: String, decisionMs: Int)? { get }
}

/// How an outbound call ended.
public struct OutboundCallResult: Sendable, Equatable {
    /// Final SIP status of the INVITE: 200 when answered; nil when nothing answered.
    public var sipStatus: Int?
    public var answered: Bool
    /// We cancelled after `ringTimeoutMs`.
    public var ringTimedOut: Bool
    public var callId: String?
    public var sipCallId: String?
    /// The call's disposition (dialogue's, or `busy`, `no_answer`, `rejected`, `failed`, `machine`, `voicemail_left`).
    public var disposition: String
    public var tags: [String]
    public var amdVerdict: String?
    public var amdDecisionMs: Int?
    public var voicemailLeft: Bool
    /// The dialogue ran to its own end (not cut off by media loss or a hang-up mid-script).
    public var completed: Bool
    public var answeredAtMs: Int64?

    public init(sipStatus: Int?, answered: Bool, ringTimedOut: Bool = false, callId: String? = nil,
                sipCallId: String? = nil, disposition: String, tags: [String] = [], amdVerdict: String? = nil,
                amdDecisionMs: Int? = nil, voicemailLeft: Bool = false, completed: Bool = false,
                answeredAtMs: Int64? = nil) {
        self.sipStatus = sipStatus
        self.answered = answered
        self.ringTimedOut = ringTimedOut
        self.callId = callId
        self.sipCallId = sipCallId
        self.disposition = disposition
        self.tags = tags
        self.amdVerdict = amdVerdict
        self.amdDecisionMs = amdDecisionMs
        self.voicemailLeft = voicemailLeft
        self.completed = completed
        self.answeredAtMs = answeredAtMs
    }

    /// The disposition of an INVITE that got no 2xx.
    static func failureDisposition(status: Int?, ringTimedOut: Bool) -> String {
        if ringTimedOut { return "no_answer" }
        switch status {
        case 486, 600: return "busy"
        case 408, 480, 487: return "no_answer"
        case 603: return "rejected"
        case 404, 410, 484, 604: return "invalid_number"
        default: return "failed"
        }
    }
}
