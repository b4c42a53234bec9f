/// What the scheduler asks the daemon to dial.
public struct PlaceCall: Sendable, Equatable {
    public var attemptID: String
    public var campaignID: String
    public var number: String
    public var callerID: String
    public var trunk: String
    public var script: String
    public var variables: [String: String]
    public var variant: String?
    public var ringTimeoutSec: Int
    /// The campaign's answering-machine detection settings.
    public var amd: AMDConfiguration
    public var leaveVoicemail: Bool
}

/// Progress of one attempt, reported by the dialer.
public enum AttemptProgress: Sendable, Equatable {
    /// 180 Ringing.
    case ringing
    /// Early media was classified (183 Session Progress with audio).
    case earlyMedia(EarlyMediaVerdict)
    /// 200 OK to the INVITE.
    case answered
    /// A final failure response to the INVITE.
    case failed(sipStatus: Int)
    /// The answering-machine detector decided.
    case amd(AMDVerdict)
    /// An answered call ended.
    case ended(CallDisposition, tags: [String])
    /// The whole attempt's result at once (`CampaignCallPlacing`): the outcome as the call
    /// layer classified it, with SIP status, AMD verdict, call id, disposition and tags.
    case completed(CampaignCallResult)
}

public enum CallDisposition: String, Sendable, Equatable {
    /// The script ran to its end (or the person ended it normally).
    case completed
    /// The call was cut off early (media lost, hang-up before the script's first turn ended).
    case dropped
    /// A voicemail message was left after the beep.
    case voicemailLeft
    /// A machine answered and we hung up without leaving a message.
    case machineHungUp
}

/// Places calls through the SIP UAC; implemented by the daemon.
public protocol Dialer: Sendable {
    /// Starts the call; progress arrives on `progress` until `.failed` or `.ended`.
    func place(_ call: PlaceCall, progress: @escaping @Sendable (AttemptProgress) -> Void) async
    /// Cancels an attempt (CANCEL before answer, BYE after).
    func cancel(attemptID: String) async
}

/// Receives final contact results (the CRM webhook outbox; the CSV report).
public protocol CampaignResultSink: Sendable {
    func report(_ result: ContactResult) async throws
}
