import ParleyMedia
import ParleySpeech
import Synchronization

/// Routes one call's cleaned caller audio (10 ms frames from the media thread's
/// recognizer ring) to the recognition session of the current utterance. While no
/// utterance runs, the last `prerollMs` of audio are kept, so the words
/// spoken before voice activity was confirmed reach the recognizer too — and, when every
/// decoder is busy, the whole utterance waits here until one is free.
///
/// `feed` runs on the media event pump's thread only, which makes it the single producer
/// of every `RecognitionSession` ring; the call's session only attaches and detaches.
final class RecognizerTap: Sendable {
    struct State {
        var session: RecognitionSession?
        /// The caller's turn ended before a recognizer was free: keep the pre-roll as it is.
        var frozen = false
        var preroll: [Int16]
        var prerollStart = 0
        var prerollCount = 0
        var framesFed: UInt64 = 0
        /// Outbound answer screening: every frame goes here while set.
        var screen: (@Sendable ([Int16]) -> Void)?
    }

    let state: Mutex<State>
    let prerollCapacity: Int
    /// Gets every frame too when the call is recorded.
    let recorder: CallRecorder?

    init(prerollMs: Int = 4000, sampleRateHz: Int, recorder: CallRecorder? = nil) {
        self.recorder = recorder
        prerollCapacity = max(1, prerollMs * sampleRateHz / 1000)
        state = Mutex(State(preroll: [Int16](repeating: 0, count: max(1, prerollMs * sampleRateHz / 1000))))
    }

    /// A new listening turn: start the pre-roll afresh.
    func arm() {
        state.withLock { s in
            s.frozen = false
            s.prerollCount = 0
            s.prerollStart = 0
        }
    }

    /// Listening ended: drop the pre-roll and any attached session.
    func disarm() {
        state.withLock { s in
            s.session = nil
            s.frozen = false
            s.prerollCount = 0
        }
    }

    /// Send the pre-roll (now) and every following frame to `session`. The ring's
    /// producer side is only ever used under this lock, by the pump or here.
    func attach(_ session: RecognitionSession) {
        state.withLock { s in
            s.session = session
            s.frozen = false
            pushPreroll(&s, to: session)
        }
    }

    /// The caller's turn ended with no recognizer attached: stop adding to the pre-roll so
    /// the utterance stays in it until a recognizer is free.
    func freeze() {
        state.withLock { $0.frozen = true }
    }

    /// The utterance ended: later audio goes back to the pre-roll.
    func detach() {
        state.withLock { s in
            s.session = nil
            s.frozen = false
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
    func feed(_ frame: borrowing RecognizerFrame) {
        recorder?.caller(frame)
        let frameSamples = frame.samples.span.extracting(0..<Int(frame.sampleCount))
        let silent = frame.isSilent
        state.withLock { s in
            s.framesFed &+= 1
            if let screen = s.screen { screen(Self.array(frameSamples)) }
            if let session = s.session {
                _ = session.push(frameSamples)
            } else if !s.frozen {
                keep(frameSamples, silent: silent, in: &s)
            }
        }
    }

    /// The samples as an array (answer screening only; allocates).
    private static func array(_ samples: Span<Int16>) -> [Int16] {
        var out = [Int16]()
        out.reserveCapacity(samples.count)
        for i in 0..<samples.count { out.append(samples[i]) }
        return out
    }

    /// Appends `samples` to the pre-roll ring, the oldest giving way when it is full: at
    /// most two runs, zeros written without reading the frame when it is silent.
    private func keep(_ samples: Span<Int16>, silent: Bool, in s: inout State) {
        let count = min(samples.count, prerollCapacity)
        let skipped = samples.count - count   // a frame longer than the pre-roll keeps its end
        var write = s.prerollStart + s.prerollCount
        if write >= prerollCapacity { write -= prerollCapacity }
        var ring = s.preroll.mutableSpan
        var done = 0
        while done < count {
            let run = min(count - done, prerollCapacity - write)
            if silent {
                for i in 0..<run { ring[write + i] = 0 }
            } else {
                for i in 0..<run { ring[write + i] = samples[skipped + done + i] }
            }
            done += run
            write += run
            if write == prerollCapacity { write = 0 }
        }
        let overflow = s.prerollCount + count - prerollCapacity
        if overflow > 0 {
            s.prerollCount = prerollCapacity
            s.prerollStart += overflow
            if s.prerollStart >= prerollCapacity { s.prerollStart -= prerollCapacity }
        } else {
            s.prerollCount += count
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
