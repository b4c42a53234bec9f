import Dispatch
import Synchronization

/// One utterance in flight. The media thread is the single producer of audio (`push`);
/// the control plane calls `endOfSpeech`/`cancel` and reads `events`; an engine worker
/// drains the ring and emits results. At most one terminal event (final or asr_error)
/// is emitted, after which the stream finishes.
public final class RecognitionSession: Sendable {
    public enum Control: UInt8, Sendable {
        case listening = 0
        case endOfSpeech = 1
        case cancelled = 2
    }

    public let hints: RecognitionHints
    /// Results and errors, in order; finishes after the terminal event or on cancel.
    public let events: AsyncStream<RecognizerEvent>

    let ring: SampleRing
    private let continuation: AsyncStream<RecognizerEvent>.Continuation
    private let control = Atomic<UInt8>(Control.listening.rawValue)
    private let terminated = Atomic<Bool>(false)
    /// Wakes the engine worker on end of speech or cancel (never signalled per frame).
    let wake = DispatchSemaphore(value: 0)
    private let onControl: @Sendable () -> Void

    /// `ringCapacitySamples` bounds how far the engine may fall behind before audio drops.
    init(hints: RecognitionHints, ringCapacitySamples: Int, onControl: @escaping @Sendable () -> Void = {}) {
        self.hints = hints
        ring = SampleRing(capacity: ringCapacitySamples)
        (events, continuation) = AsyncStream.makeStream(of: RecognizerEvent.self, bufferingPolicy: .unbounded)
        self.onControl = onControl
    }

    // MARK: Producer (media thread)

    /// Writes frames; never blocks or allocates. Returns how many samples were taken; the
    /// rest are dropped and counted in `droppedSamples`.
    @discardableResult
    public func push(_ samples: Span<Int16>) -> Int {
        if control.load(ordering: .relaxed) != Control.listening.rawValue { return 0 }
        return ring.write(samples)
    }

    @discardableResult
    public func push(_ samples: [Int16]) -> Int { push(samples.span) }

    /// Samples dropped because the engine fell behind.
    public var droppedSamples: Int { ring.droppedSamples.load(ordering: .relaxed) }

    // MARK: Control plane

    /// The caller stopped speaking: decode what is buffered and emit the final result.
    public func endOfSpeech() {
        // Pairs with the worker's acquire load in `currentControl`.
        let (exchanged, _) = control.compareExchange(
            expected: Control.listening.rawValue, desired: Control.endOfSpeech.rawValue,
            ordering: .acquiringAndReleasing)
        if exchanged { wake.signal(); onControl() }
    }

    /// Abandons the utterance: no final result; the events stream finishes.
    public func cancel() {
        // Pairs with the worker's acquire load in `currentControl`.
        let previous = control.exchange(Control.cancelled.rawValue, ordering: .acquiringAndReleasing)
        if previous != Control.cancelled.rawValue {
            wake.signal()
            onControl()
            finish()
        }
    }

    public var isTerminated: Bool { terminated.load(ordering: .acquiring) }

    // MARK: Engine side

    var currentControl: Control {
        Control(rawValue: control.load(ordering: .acquiring)) ?? .cancelled
    }

    func emitPartial(_ result: RecognitionResult) {
        if !terminated.load(ordering: .acquiring) { continuation.yield(.partial(result)) }
    }

    /// Emits the terminal event once; later calls are ignored.
    func emitTerminal(_ event: RecognizerEvent) {
        // Pairs with the acquire loads above and in `isTerminated`.
        if terminated.exchange(true, ordering: .acquiringAndReleasing) { return }
        continuation.yield(event)
        continuation.finish()
    }

    private func finish() {
        if terminated.exchange(true, ordering: .acquiringAndReleasing) { return }
        continuation.finish()
    }
}

extension RecognitionSession {
    /// Waits for the terminal event (final result or asr_error), collecting partials.
    /// Returns nil when the stream finished without one (cancelled).
    public func terminalEvent() async -> (partials: [RecognitionResult], terminal: RecognizerEvent?) {
        var partials: [RecognitionResult] = []
        for await event in events {
            switch event {
            case .partial(let result): partials.append(result)
            case .final, .asrError: return (partials, event)
            }
        }
        return (partials, nil)
    }
}
