import ParleyRealtime

/// A call (INVITE session) known to a `SIPStack`, inbound or outbound.
public struct SIPCallHandle: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public var description: String { "call#\(rawValue)" }
}

/// What happens to a call, reported to the `SIPStackDelegate` on the loop thread.
public enum SIPCallEvent: Sendable, Equatable {
    /// A 1xx to our INVITE (180/183, maybe with early-media SDP).
    case provisional(SIPMessage)
    /// A 401/407 was answered with credentials; the INVITE is being retried.
    case challenged(statusCode: Int)
    /// The dialog is confirmed: `message` is the 2xx (UAC) or the ACK (UAS); read the SDP
    /// answer (UAC) or late offer answer (UAS) from its body.
    case established(SIPMessage)
    /// An in-dialog request the application decides on (re-INVITE, UPDATE, INFO, REFER,
    /// NOTIFY, MESSAGE): answer with `SIPStack.respond(_:to:statusCode:body:contentType:)`.
    case requestReceived(SIPMessage)
    /// A final response to an in-dialog request we sent (re-INVITE, INFO, REFER, NOTIFY).
    case responseReceived(SIPMessage)
    /// The call is over; `statusCode` is the final status for failed/rejected calls.
    case ended(InviteSession.EndReason)
}

/// The application above the stack (the daemon's call layer, the simulator, tests).
/// Called on the loop thread.
public protocol SIPStackDelegate: AnyObject {
    /// A new out-of-dialog INVITE. Answer with `ring`, `answer` or `reject` (at once or later).
    func sipStack(_ stack: SIPStack, incomingCall call: SIPCallHandle, invite: SIPMessage)
    func sipStack(_ stack: SIPStack, call: SIPCallHandle, event: SIPCallEvent)
}

/// Digest credentials for outbound calls (RFC 2617 / RFC 8760).
public struct SIPCredentials: Sendable, Equatable {
    public var username: String
    public var password: String
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// An outbound INVITE. The stack adds the From tag, Call-ID, Via, Contact and CSeq.
public struct SIPOutboundCall: Sendable {
    public var requestURI: SIPURI
    public var from: SIPNameAddress
    public var to: SIPNameAddress
    public var body: [UInt8]
    public var contentType: String?
    public var credentials: SIPCredentials?
    /// E.g. P-Asserted-Identity, Session-Expires.
    public var extraHeaders: [SIPMessage.Header]
    /// Where the INVITE goes; nil: the stack's `outboundProxy`, else the Request-URI's host.
    public var nextHop: SIPPeer?

    public init(requestURI: SIPURI, from: SIPNameAddress, to: SIPNameAddress, body: [UInt8] = [],
                contentType: String? = nil, credentials: SIPCredentials? = nil,
                extraHeaders: [SIPMessage.Header] = [], nextHop: SIPPeer? = nil) {
        self.requestURI = requestURI
        self.from = from
        self.to = to
        self.body = body
        self.contentType = contentType
        self.credentials = credentials
        self.extraHeaders = extraHeaders
        self.nextHop = nextHop
    }
}

public struct SIPStackConfiguration: Sendable {
    public var timers: TransactionTimers
    /// Period of the loop timer that advances the transaction timer wheel.
    public var tickMs: Int
    /// Host written in our Via sent-by and Contact (a numeric address of this node).
    public var localHost: String
    public var contactUser: String
    public var allowlist: CIDRAllowlist?
    /// Per-source request rate (requests/s) and burst; nil: no limit.
    public var rateLimit: (ratePerSecond: Double, burst: Double)?
    /// Default next hop for outbound INVITEs (trunk or outbound proxy).
    public var outboundProxy: SIPPeer?
    public var options: OptionsResponder
    public var userAgent: String?
    /// Hold the 200 to a peer's BYE until the application calls `SIPStack.completeBye`
    /// (at most `byeAnswerHoldMs`), so the call's end is on disk before its BYE transaction
    /// completes. Off by default.
    public var byeAnsweredAfterApplication = false
    public var byeAnswerHoldMs = 1_000
    /// Session timers (RFC 4028): Session-Expires 1800 s, Min-SE 90 s, on by default.
    public var sessionTimer: SessionTimerPolicy

    public init(localHost: String, timers: TransactionTimers = TransactionTimers(), tickMs: Int = 5,
                contactUser: String = "parley", allowlist: CIDRAllowlist? = nil,
                rateLimit: (ratePerSecond: Double, burst: Double)? = nil, outboundProxy: SIPPeer? = nil,
                options: OptionsResponder = OptionsResponder(), userAgent: String? = "Parley",
                sessionTimer: SessionTimerPolicy = SessionTimerPolicy()) {
        self.localHost = localHost
        self.timers = timers
        self.tickMs = tickMs
        self.contactUser = contactUser
        self.allowlist = allowlist
        self.rateLimit = rateLimit
        self.outboundProxy = outboundProxy
        self.options = options
        self.userAgent = userAgent
        self.sessionTimer = sessionTimer
    }
}

/// Everything the stack dropped, refused or absorbed, plus traffic totals.
public struct SIPStackCounters: Sendable, Equatable {
    public var requestsReceived = 0
    public var responsesReceived = 0
    /// Source outside the allowlist: dropped before parsing / answered 403.
    public var allowlistDropped = 0
    public var allowlistForbidden = 0
    /// Over the per-source rate: answered 503 + Retry-After / dropped.
    public var rateLimitedAnswered = 0
    public var rateLimitedDropped = 0
    /// Unparseable and unanswerable: dropped. Malformed but answerable: 400/505 sent.
    public var malformedDropped = 0
    public var badRequestsAnswered = 0
    public var retransmissionsAbsorbed = 0
    public var strayResponses = 0
    public var strayAcks = 0
    public var unknownDialog481 = 0
    /// INVITEs answered 422 because their Session-Expires was below our Min-SE (RFC 4028).
    public var sessionIntervalTooSmall = 0
    public var unroutableSends = 0
    public var callsStarted = 0
    public var callsEnded = 0
    public init() {}
}
