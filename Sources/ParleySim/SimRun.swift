import ParleyRealtime

/// How a simulator run places calls.
public struct SimRunOptions: Sendable {
    /// Where the INVITEs go (the bot's SIP address).
    public var target: SocketAddress
    /// Calls to place; nil: as many as `durationSeconds` allows (one when both are nil).
    public var calls: Int?
    /// Calls up at once, at most.
    public var concurrency: Int
    /// New calls per second, at most; nil: as fast as concurrency allows.
    public var ratePerSecond: Double?
    /// No new call starts after this many seconds; calls under way finish.
    public var durationSeconds: Double?
    /// Local address for SIP and RTP (and written in Via, Contact and SDP).
    public var localHost: String
    /// User part of the Request-URI and To (the called number).
    public var calledUser: String
    /// Refuse to send anywhere but loopback (tests).
    public var loopbackOnly: Bool
    /// Seed for the pick among the scenario's calls and the line noise.
    public var seed: UInt64
    /// When set, each call's received audio (as the recognizer heard it, on the caller's
    /// clock from the first packet) is written here as `call-<n>-heard.wav` (debugging).
    public var recordDirectory: String?

    public init(target: SocketAddress, calls: Int? = nil, concurrency: Int = 1, ratePerSecond: Double? = nil,
                durationSeconds: Double? = nil, localHost: String = "127.0.0.1", calledUser: String = "parley",
                loopbackOnly: Bool = false, seed: UInt64 = 1, recordDirectory: String? = nil) {
        self.target = target
        self.calls = calls
        self.concurrency = max(1, concurrency)
        self.ratePerSecond = ratePerSecond
        self.durationSeconds = durationSeconds
        self.localHost = localHost
        self.calledUser = calledUser
        self.loopbackOnly = loopbackOnly
        self.seed = seed
        self.recordDirectory = recordDirectory
    }
}

/// One finished call of a run.
public struct SimCallRecord: Sendable {
    /// Order in which the call was placed (0-based).
    public var index: Int
    /// When its INVITE went out, ms after the run started.
    public var startOffsetMs: Int
    public var result: CallResult
    public var stream: StreamMeasures
}

/// Progress while a run goes on (reported about once a second, and at the end).
public struct SimProgress: Sendable, Equatable {
    public var elapsedMs: Int
    public var started: Int
    public var active: Int
    public var passed: Int
    public var failed: Int
    /// Calls the run will place, when known.
    public var planned: Int?
}

/// Everything a run produced: the aggregate report, every call, and a once-a-second
/// timeline of concurrency and outcomes.
public struct SimRunResult: Sendable {
    public var report: SimReport
    public var calls: [SimCallRecord]
    public var timeline: [SimProgress]
    /// The pacing thread's own tick lateness (the floor under the caller's sending).
    public var callerPacing: RealtimeThread.Stats?
    public var elapsedMs: Int
}

/// Why a run could not start.
public struct SimRunError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
