/// End-of-turn detection as a pure state machine. Times come in the events (no clock):
/// end of turn after a silence following speech — shorter once the recognizer's final result
/// is in, longer while the partial result looks incomplete (a digit string, a trailing
/// "and"/"um") or in `digits` listen mode; a no-input timer from the start of listening
/// (normally the prompt's end); a maximum turn length.
public struct Endpointer: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var silenceMs: Int
        public var incompleteSilenceMs: Int
        public var digitSilenceMs: Int
        public var afterFinalSilenceMs: Int
        public var noInputMs: Int
        public var maxTurnMs: Int

        public init(silenceMs: Int = 800, incompleteSilenceMs: Int = 1500, digitSilenceMs: Int = 2500,
                    afterFinalSilenceMs: Int = 300, noInputMs: Int = 6000, maxTurnMs: Int = 20000) {
            self.silenceMs = silenceMs
            self.incompleteSilenceMs = incompleteSilenceMs
            self.digitSilenceMs = digitSilenceMs
            self.afterFinalSilenceMs = afterFinalSilenceMs
            self.noInputMs = noInputMs
            self.maxTurnMs = maxTurnMs
        }
    }

    public enum ListenMode: Sendable, Equatable { case normal, digits }

    public enum Reason: Sendable, Equatable { case silence, finalResult, maxTurnLength }

    public enum Event: Sendable, Equatable {
        /// Start waiting for the caller (the prompt ended): arms the no-input timer.
        case listen(atMs: Int, mode: ListenMode)
        case speechStarted(onsetMs: Int, atMs: Int)
        case speechStopped(endMs: Int, atMs: Int)
        case partial(PartialHint, atMs: Int)
        case finalResult(atMs: Int)
        case tick(atMs: Int)
        /// Stop everything (hang-up, new prompt without listening).
        case cancel
    }

    public enum Action: Sendable, Equatable {
        case endOfTurn(atMs: Int, speechEndMs: Int, reason: Reason)
        case noInput(atMs: Int)
    }

    public enum State: Sendable, Equatable {
        case idle
        case waiting(sinceMs: Int)
        case inTurn(startMs: Int, speaking: Bool, lastSpeechEndMs: Int)
    }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    public private(set) var mode: ListenMode = .normal
    private var hint: PartialHint = .complete
    private var finalReceived = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The silence that ends the turn right now. The final result shortens it, never
    /// lengthens it: with 250 ms for a complete answer and 300 ms after the final, a final
    /// that came in before the 250 ms were up used to hold the turn 50 ms longer.
    public var requiredSilenceMs: Int {
        let beforeFinal: Int
        if mode == .digits || hint == .digits {
            beforeFinal = configuration.digitSilenceMs
        } else if hint == .incomplete {
            beforeFinal = configuration.incompleteSilenceMs
        } else {
            beforeFinal = configuration.silenceMs
        }
        return finalReceived ? min(configuration.afterFinalSilenceMs, beforeFinal) : beforeFinal
    }

    public mutating func handle(_ event: Event) -> FixedList<Action> {
        var actions = FixedList<Action>()
        switch event {
        case let .listen(atMs, newMode):
            mode = newMode
            if case .inTurn = state { break }
            state = .waiting(sinceMs: atMs)
            resetTurn()
        case let .speechStarted(onsetMs, _):
            switch state {
            case .idle, .waiting:
                resetTurn()
                state = .inTurn(startMs: onsetMs, speaking: true, lastSpeechEndMs: onsetMs)
            case let .inTurn(startMs, _, last):
                finalReceived = false
                state = .inTurn(startMs: startMs, speaking: true, lastSpeechEndMs: last)
            }
        case let .speechStopped(endMs, atMs):
            if case let .inTurn(startMs, _, _) = state {
                state = .inTurn(startMs: startMs, speaking: false, lastSpeechEndMs: endMs)
                check(atMs: atMs, into: &actions)
            }
        case let .partial(newHint, _):
            hint = newHint
        case let .finalResult(atMs):
            finalReceived = true
            check(atMs: atMs, into: &actions)
        case let .tick(atMs):
            check(atMs: atMs, into: &actions)
        case .cancel:
            state = .idle
            resetTurn()
        }
        return actions
    }

    private mutating func resetTurn() {
        hint = .complete
        finalReceived = false
    }

    private mutating func check(atMs: Int, into actions: inout FixedList<Action>) {
        switch state {
        case .idle:
            break
        case let .waiting(sinceMs):
            if atMs - sinceMs >= configuration.noInputMs {
                state = .idle
                actions.append(.noInput(atMs: atMs))
            }
        case let .inTurn(startMs, speaking, last):
            if atMs - startMs >= configuration.maxTurnMs {
                state = .idle
                actions.append(.endOfTurn(atMs: atMs, speechEndMs: speaking ? atMs : last, reason: .maxTurnLength))
            } else if !speaking && atMs - last >= requiredSilenceMs {
                state = .idle
                actions.append(.endOfTurn(atMs: atMs, speechEndMs: last,
                                          reason: finalReceived ? .finalResult : .silence))
            }
        }
    }
}
