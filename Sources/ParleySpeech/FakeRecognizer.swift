import Synchronization

/// A scripted recognizer for tests of the layers above: each utterance takes the next
/// `Reply` from the queue; its partials and terminal event are emitted when the caller
/// signals end of speech. With the queue empty, the utterance ends with an asr_error.
public final class FakeRecognizer: SpeechRecognizer {
    public enum Reply: Sendable {
        /// Partials (texts) then a final result.
        case transcript(partials: [String], final: RecognitionResult)
        /// The engine fails with this error when speech ends.
        case failure(SpeechError)
        /// The engine refuses the utterance at start.
        case refuse(SpeechError)
    }

    private let replies: Mutex<[Reply]>
    private let started = Atomic<Int>(0)

    public init(replies: [Reply] = []) {
        self.replies = Mutex(replies)
    }

    /// Appends replies for later utterances.
    public func enqueue(_ reply: Reply) {
        replies.withLock { $0.append(reply) }
    }

    /// A final result whose text is `text`, with confidence 1.
    public static func final(_ text: String, confidence: Double = 1) -> Reply {
        .transcript(partials: [], final: RecognitionResult(text: text, confidence: confidence, isFinal: true))
    }

    public var utterancesStarted: Int { started.load(ordering: .relaxed) }

    public func startUtterance(_ hints: RecognitionHints) throws(SpeechError) -> RecognitionSession {
        let reply = replies.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        if case .refuse(let error)? = reply { throw error }
        started.add(1, ordering: .relaxed)
        let box = SessionBox()
        let session = RecognitionSession(hints: hints, ringCapacitySamples: 16_000 * 30) {
            // Taking the session out of the box breaks the session → closure → box cycle.
            guard let session = box.session.withLock({ held in defer { held = nil }; return held }) else { return }
            guard session.currentControl == .endOfSpeech else { return }
            switch reply {
            case .transcript(let partials, let final)?:
                for text in partials {
                    session.emitPartial(RecognitionResult(text: text, confidence: final.confidence, isFinal: false))
                }
                session.emitTerminal(.final(final))
            case .failure(let error)?:
                session.emitTerminal(.asrError(error))
            case .refuse, nil:
                session.emitTerminal(.asrError(SpeechError(.engineUnavailable, "fake recognizer has no reply")))
            }
        }
        box.session.withLock { $0 = session }
        return session
    }
}

/// Lets a session's control callback reach the session it belongs to.
final class SessionBox: Sendable {
    let session = Mutex<RecognitionSession?>(nil)
}
