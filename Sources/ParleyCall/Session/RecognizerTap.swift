import ParleyMedia
import ParleySpeech
import Synchronization

/// Routes one call's cleaned caller audio (10 ms frames from the media thread's
/// recognizer ring) to the recognition session of the current utterance. While the call
/// listens and no utterance runs, the last `prerollMs` of audio are kept, so the words
/// spoken before voice activity was confirmed reach the recognizer too.
///
/// `feed` runs on the media event pump's thread only, which makes it the single producer
/// of every `RecognitionSession` ring; the call's session only attaches and detaches.
final class RecognizerTap: Sendable {
    struct State {
        var armed = false
        var session: RecognitionSession?
        /// The pre-roll must be pushed before the next live frame.
        var flushPreroll = false
        var preroll: [Int16]
        var prerollStart = 0
        var prerollCount = 0
        var framesFed: UInt64 = 0
        /// Outbound answer screening: every frame goes here while set.
        var screen: (@Sendable ([Int16]) -> Void)?
    }

    let state: Mutex<State>
    let prerollCapacity: Int

    init(prerollMs: Int = 600, sampleRateHz: Int) {
        prerollCapacity = max(1, prerollMs * sampleRateHz / 1000)
        state = Mutex(State(preroll: [Int16](repeating: 0, count: max(1, prerollMs * sampleRateHz / 1000))))
    }

    /// Start keeping pre-roll (the call listens).
    func arm() {
        state.withLock { s in
            s.armed = true
            s.prerollCount = 0
            s.prerollStart = 0
        }
    }

    /// Stop listening: drop pre-roll and any attached session.
    func disarm() {
        state.withLock { s in
            s.armed = false
            s.session = nil
            s.flushPreroll = false
            s.prerollCount = 0
        }
    }

    /// Send the pre-roll and every following frame to `session`.
    func attach(_ session: RecognitionSession) {
        state.withLock { s in
            s.session = session
            s.flushPreroll = true
        }
    }

    /// The utterance ended: later audio goes back to the pre-roll.
    func detach() {
        state.withLock { s in
            s.session = nil
            s.flushPreroll = false
            s.prerollCount = 0
        }
    }

    var framesFed: UInt64 { state.withLock { $0.framesFed } }

    /// Sends every frame to `screen` (pump thread) until `stopScreening`.
    func startScreening(_ screen: @escaping @Sendable ([Int16]) -> Void) {
        state.withLock { $0.screen = screen }
    }

    func stopScreening() {
        state.withLock { $0.screen = nil }
    }

    /// One frame from the media thread (pump thread only).
    func feed(_ frame: RecognizerFrame) {
        state.withLock { s in
            s.framesFed &+= 1
            if let screen = s.screen { screen(frame.array) }
            guard s.armed else { return }
            let count = Int(frame.sampleCount)
            if let session = s.session {
                if s.flushPreroll {
                    s.flushPreroll = false
                    pushPreroll(&s, to: session)
                }
                let samples = frame.samples
                _ = session.push(samples.span.extracting(0..<count))
            } else {
                for i in 0..<count {
                    let index = (s.prerollStart + s.prerollCount) % prerollCapacity
                    s.preroll[index] = frame.samples[i]
                    if s.prerollCount < prerollCapacity {
                        s.prerollCount += 1
                    } else {
                        s.prerollStart = (s.prerollStart + 1) % prerollCapacity
                    }
                }
            }
        }
    }

    private func pushPreroll(_ s: inout State, to session: RecognitionSession) {
        let start = s.prerollStart, count = s.prerollCount
        s.prerollCount = 0
        s.prerollStart = 0
        guard count > 0 else { return }
        let first = min(count, prerollCapacity - start)
        let span = s.preroll.span
        _ = session.push(span.extracting(start..<(start + first)))
        if first < count { _ = session.push(span.extracting(0..<(count - first))) }
    }
}
