/// Voice activity as a pure hysteresis state machine: quiet → starting → speaking →
/// stopping → quiet. Each 10 ms frame arrives already classified (voiced or not: the APM
/// voice flag and frame energy, gated against echo, see `SpeechFrameClassifier`); the
/// machine turns that into speech start/stop with start and stop durations in ms.
/// No clock reads: frame times come in the events.
public struct VoiceActivityDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Voiced time needed, within one start attempt, to confirm speech.
        public var startMs: Int
        /// Unvoiced time tolerated inside a start attempt before giving it up.
        public var startGapMs: Int
        /// Unvoiced time after which speech is over.
        public var stopMs: Int

        public init(startMs: Int = 30, startGapMs: Int = 20, stopMs: Int = 250) {
            self.startMs = startMs
            self.startGapMs = startGapMs
            self.stopMs = stopMs
        }
    }

    public enum State: Sendable, Equatable {
        case quiet
        case starting(onsetMs: Int, voicedMs: Int, gapMs: Int)
        case speaking(onsetMs: Int)
        case stopping(onsetMs: Int, lastVoicedEndMs: Int)
    }

    public enum Event: Sendable, Equatable {
        /// One frame `[atMs, atMs + durationMs)`, voiced or not.
        case frame(voiced: Bool, atMs: Int, durationMs: Int)
        /// Forget any speech in progress (e.g. at a new turn).
        case reset
    }

    public enum Action: Sendable, Equatable {
        /// Speech confirmed at `confirmedAtMs`; it began at `onsetMs`.
        case speechStarted(onsetMs: Int, confirmedAtMs: Int)
        /// Speech ended at `endMs` (end of its last voiced frame), decided at `decidedAtMs`.
        case speechStopped(onsetMs: Int, endMs: Int, decidedAtMs: Int)
    }

    public let configuration: Configuration
    public private(set) var state: State = .quiet

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public var isSpeaking: Bool {
        switch state {
        case .speaking, .stopping: true
        case .quiet, .starting: false
        }
    }

    public mutating func handle(_ event: Event) -> FixedList<Action> {
        var actions = FixedList<Action>()
        switch event {
        case .reset:
            state = .quiet
        case let .frame(voiced, atMs, durationMs):
            let endMs = atMs + durationMs
            switch state {
            case .quiet:
                if voiced {
                    state = .starting(onsetMs: atMs, voicedMs: durationMs, gapMs: 0)
                    if durationMs >= configuration.startMs {
                        state = .speaking(onsetMs: atMs)
                        actions.append(.speechStarted(onsetMs: atMs, confirmedAtMs: endMs))
                    }
                }
            case let .starting(onsetMs, voicedMs, gapMs):
                if voiced {
                    let total = voicedMs + durationMs
                    if total >= configuration.startMs {
                        state = .speaking(onsetMs: onsetMs)
                        actions.append(.speechStarted(onsetMs: onsetMs, confirmedAtMs: endMs))
                    } else {
                        state = .starting(onsetMs: onsetMs, voicedMs: total, gapMs: gapMs)
                    }
                } else {
                    let gap = gapMs + durationMs
                    state = gap > configuration.startGapMs ? .quiet
                        : .starting(onsetMs: onsetMs, voicedMs: voicedMs, gapMs: gap)
                }
            case let .speaking(onsetMs):
                if !voiced { state = .stopping(onsetMs: onsetMs, lastVoicedEndMs: atMs) }
            case let .stopping(onsetMs, lastVoicedEndMs):
                if voiced {
                    state = .speaking(onsetMs: onsetMs)
                } else if endMs - lastVoicedEndMs >= configuration.stopMs {
                    state = .quiet
                    actions.append(.speechStopped(onsetMs: onsetMs, endMs: lastVoicedEndMs, decidedAtMs: endMs))
                }
            }
        }
        return actions
    }
}
