import ParleyCodecs

/// The `rtp` and `media` sections: ports, codecs, jitter buffer and media threads.
public struct MediaConfiguration: Sendable, Equatable {
    /// Numeric host RTP sockets bind to (default `127.0.0.1`).
    public var rtpBindHost: String
    /// First RTP port (even; RTCP uses the odd port above). Default 20000.
    public var rtpPortStart: Int
    /// Last port of the range, inclusive. Default 29999.
    public var rtpPortEnd: Int
    /// Codec preference for offers and answers, best first (default pcmu, pcma, opus).
    public var codecs: [Codec]
    /// Packetization time in ms: 10, 20, 30, 40 or 60 (default 20).
    public var ptimeMs: Int
    /// Jitter buffer depth bounds (defaults 20 and 200 ms; the lower bound is at least one
    /// packet: the frame being played).
    public var jitterMinMs: Int
    public var jitterMaxMs: Int
    /// Media threads; each runs many calls on the media clock (default 1).
    public var threads: Int
    /// Media clock tick: 10 or 20 ms (default 10).
    public var tickMs: Int
    /// No RTP for this long ends the call (default 30 s).
    public var timeoutS: Int
    /// SCHED_FIFO priority for the media threads (1–99), or 0 for normal scheduling (the
    /// default). Needs CAP_SYS_NICE or an RLIMIT_RTPRIO allowance; refused, the threads run
    /// with normal scheduling and the daemon logs a warning.
    public var fifoPriority: Int

    public init(rtpBindHost: String = "127.0.0.1", rtpPortStart: Int = 20000, rtpPortEnd: Int = 29999,
                codecs: [Codec] = [.pcmu, .pcma, .opus], ptimeMs: Int = 20, jitterMinMs: Int = 20,
                jitterMaxMs: Int = 200, threads: Int = 1, tickMs: Int = 10, timeoutS: Int = 30,
                fifoPriority: Int = 0) {
        self.rtpBindHost = rtpBindHost
        self.rtpPortStart = rtpPortStart
        self.rtpPortEnd = rtpPortEnd
        self.codecs = codecs
        self.ptimeMs = ptimeMs
        self.jitterMinMs = jitterMinMs
        self.jitterMaxMs = jitterMaxMs
        self.threads = threads
        self.tickMs = tickMs
        self.timeoutS = timeoutS
        self.fifoPriority = fifoPriority
    }

    /// Ports in the range (each call uses two: RTP and RTCP).
    public var rtpPortCount: Int { rtpPortEnd - rtpPortStart + 1 }
}

/// Echo canceller choice for the listening pipeline.
public enum EchoCancellationMode: String, Sendable, Hashable, CaseIterable {
    /// Full AEC (best quality, ~125 µs per 10 ms frame at 16 kHz).
    case aec
    /// Mobile-mode AEC (cheaper, less suppression).
    case aecm
    case off
}

/// The `listening` section: the caller-side audio pipeline's daemon-wide settings.
public struct ListeningSettings: Sendable, Equatable {
    /// Default `aec`.
    public var echoCancellation: EchoCancellationMode
    /// Default false: WebRTC noise suppression at 8 kHz strips the consonant energy the
    /// embedded recognizer scores on ("yes" scored 0.22 and out of grammar with it, 0.96
    /// without), and the echo canceller alone keeps barge-in off the bot's own echo.
    public var noiseSuppression: Bool
    /// Default false.
    public var gainControl: Bool
    /// Silence after the caller's speech that ends the turn once the words heard answer
    /// the state (or before any partial result: short answers). Default 250.
    public var endOfTurnMs: Int
    /// The same while the words heard do not answer it yet (a trailing "and", "um", no
    /// intent matched). Default 800.
    public var incompleteEndOfTurnMs: Int
    /// The same in digit strings (spoken or keyed). Default 2,500.
    public var digitEndOfTurnMs: Int

    public init(echoCancellation: EchoCancellationMode = .aec, noiseSuppression: Bool = false,
                gainControl: Bool = false, endOfTurnMs: Int = 250, incompleteEndOfTurnMs: Int = 800,
                digitEndOfTurnMs: Int = 2500) {
        self.echoCancellation = echoCancellation
        self.noiseSuppression = noiseSuppression
        self.gainControl = gainControl
        self.endOfTurnMs = endOfTurnMs
        self.incompleteEndOfTurnMs = incompleteEndOfTurnMs
        self.digitEndOfTurnMs = digitEndOfTurnMs
    }
}
