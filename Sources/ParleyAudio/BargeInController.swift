/// Barge-in as a pure state machine: decides, from voice-activity events, recognizer word
/// counts and the prompt position, whether a playing prompt stops, and whether a stop turns
/// out to be a false barge-in (speech that ends quickly without words), in which case the
/// prompt resumes from its last cue point. Playback actions come before reports in the
/// returned list, so the media engine stops playback first and reports after.
public struct BargeInController: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Speech shorter than this after a stop, with no words, is a false barge-in.
        public var falseBargeInWindowMs: Int
        /// How long after such speech ends to wait for recognizer words before resuming.
        public var wordsGraceMs: Int

        public init(falseBargeInWindowMs: Int = 700, wordsGraceMs: Int = 300) {
            self.falseBargeInWindowMs = falseBargeInWindowMs
            self.wordsGraceMs = wordsGraceMs
        }
    }

    public enum Trigger: Sendable, Equatable {
        case speechOnset, speechDuration, words, lockedSegmentEnded
    }

    public enum IgnoredReason: Sendable, Equatable {
        case policyOff, lockedSegment, unconfirmed
    }

    public enum Report: Sendable, Equatable {
        case bargeIn(atMs: Int, onsetMs: Int, positionMs: Int, trigger: Trigger)
        case falseBargeIn(atMs: Int, resumeFromMs: Int)
        case ignored(atMs: Int, onsetMs: Int, reason: IgnoredReason)
    }

    public enum Action: Sendable, Equatable {
        case stopPlayback(atMs: Int, positionMs: Int)
        case resumePlayback(atMs: Int, fromPositionMs: Int)
        case report(Report)
    }

    public enum Event: Sendable, Equatable {
        case promptStarted(PromptPlan, atMs: Int)
        case promptFinished(atMs: Int)
        case speechStarted(onsetMs: Int, atMs: Int, positionMs: Int)
        case speechStopped(endMs: Int, atMs: Int)
        /// Words the recognizer has heard in the current utterance, backchannels excluded.
        case words(count: Int, atMs: Int)
        /// Once per frame while a prompt is loaded; `speaking`: the caller is voiced now
        /// (not in the stop hangover), so speech time counts toward confirmation.
        case tick(atMs: Int, positionMs: Int, speaking: Bool)
    }

    public enum State: Sendable, Equatable {
        case idle
        case playing
        /// Playback stopped by a barge-in; waiting to see whether it was real.
        case stopped(atMs: Int, positionMs: Int, onsetMs: Int, resumeDeadlineMs: Int?)
        /// A real interruption: the prompt is over.
        case interrupted
    }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    public private(set) var plan: PromptPlan?
    private var speechOnsetMs: Int?
    private var words = 0
    /// A qualifying trigger not acted on yet (locked segment, or words between ticks).
    private var pending: Trigger?
    private var heldByLock = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public mutating func handle(_ event: Event) -> FixedList<Action> {
        var actions = FixedList<Action>()
        switch event {
        case let .promptStarted(newPlan, _):
            plan = newPlan
            state = .playing
            speechOnsetMs = nil
            words = 0
            pending = nil
            heldByLock = false
        case .promptFinished:
            if state == .playing { state = .idle }
            if case .stopped = state { state = .interrupted }
        case let .speechStarted(onsetMs, atMs, positionMs):
            words = 0
            switch state {
            case .playing:
                speechOnsetMs = onsetMs
                pending = nil
                heldByLock = false
                if plan?.policy == .immediate {
                    decide(atMs: atMs, positionMs: positionMs, trigger: .speechOnset, into: &actions)
                }
            case .stopped:
                // The caller speaks again: a real interruption.
                state = .interrupted
            case .idle, .interrupted:
                break
            }
        case let .speechStopped(endMs, atMs):
            switch state {
            case .playing:
                if let onset = speechOnsetMs {
                    let reason: IgnoredReason = plan?.policy == .off ? .policyOff
                        : (heldByLock ? .lockedSegment : .unconfirmed)
                    actions.append(.report(.ignored(atMs: atMs, onsetMs: onset, reason: reason)))
                }
                speechOnsetMs = nil
                pending = nil
                heldByLock = false
            case let .stopped(stopMs, positionMs, onsetMs, _):
                if endMs - onsetMs <= configuration.falseBargeInWindowMs && words == 0 {
                    state = .stopped(atMs: stopMs, positionMs: positionMs, onsetMs: onsetMs,
                                     resumeDeadlineMs: atMs + configuration.wordsGraceMs)
                } else {
                    state = .interrupted
                }
            case .idle, .interrupted:
                break
            }
        case let .words(count, atMs):
            words = count
            switch state {
            case .playing:
                if speechOnsetMs != nil, case let .confirmed(_, minWords?) = plan?.policy, count >= minWords {
                    decide(atMs: atMs, positionMs: -1, trigger: .words, into: &actions)
                }
            case .stopped:
                if count > 0 { state = .interrupted }
            case .idle, .interrupted:
                break
            }
        case let .tick(atMs, positionMs, speaking):
            switch state {
            case .playing:
                guard let onset = speechOnsetMs, let plan else { break }
                if let trigger = pending {
                    if !plan.isLocked(atMs: positionMs) {
                        decide(atMs: atMs, positionMs: positionMs,
                               trigger: heldByLock ? .lockedSegmentEnded : trigger, into: &actions)
                    }
                } else if speaking, case let .confirmed(minSpeechMs?, _) = plan.policy, atMs - onset >= minSpeechMs {
                    decide(atMs: atMs, positionMs: positionMs, trigger: .speechDuration, into: &actions)
                }
            case let .stopped(_, positionMs, onsetMs, deadline):
                if let deadline, atMs >= deadline, words == 0 {
                    let resume = plan?.resumePoint(forMs: positionMs) ?? 0
                    state = .playing
                    speechOnsetMs = nil
                    actions.append(.resumePlayback(atMs: atMs, fromPositionMs: resume))
                    actions.append(.report(.falseBargeIn(atMs: atMs, resumeFromMs: resume)))
                } else if deadline == nil, speaking, atMs - onsetMs > configuration.falseBargeInWindowMs {
                    // Still voiced past the window: a real interruption.
                    state = .interrupted
                }
            case .idle, .interrupted:
                break
            }
        }
        return actions
    }

    /// Speech qualifies under the policy: stop now unless the position is locked.
    /// `positionMs` < 0 means "unknown in this event": the last tick decides locks.
    private mutating func decide(atMs: Int, positionMs: Int, trigger: Trigger, into actions: inout FixedList<Action>) {
        guard let plan, let onset = speechOnsetMs, plan.policy != .off else { return }
        if positionMs >= 0 && plan.isLocked(atMs: positionMs) {
            pending = trigger
            heldByLock = true
            return
        }
        if positionMs < 0 {
            // Words arrived between ticks: the next tick, which carries the position, acts.
            pending = trigger
            return
        }
        state = .stopped(atMs: atMs, positionMs: positionMs, onsetMs: onset, resumeDeadlineMs: nil)
        pending = nil
        heldByLock = false
        actions.append(.stopPlayback(atMs: atMs, positionMs: positionMs))
        actions.append(.report(.bargeIn(atMs: atMs, onsetMs: onset, positionMs: positionMs, trigger: trigger)))
    }
}
