// SampleFrameRing — a single-producer, single-consumer ring of audio frames (Int16
// samples) whose samples live apart from the frames' small headers, so a frame of
// digital silence (most of a listening call on a quiet line) writes and reads one
// 16-byte header and no samples.
//
// Why not `SPSCRing` of whole frames: a frame there is a copy into a slot last touched
// a ring's length ago and out again; with hundreds of calls those slots are out of cache.
//
// Safety invariants (the contract behind `@unchecked Sendable`):
// - One producer thread (`tryPush`, `tryPushSilence`) and one consumer at a time
//   (`popAll`); `head` is written by the consumer only, `tail` by the producer only.
// - The producer writes slot `t`'s samples and header only while `tail - head < capacity`,
//   and publishes them with `tail.store(.releasing)`; the consumer reads them after
//   `tail.load(.acquiring)` and releases the slots with `head.store(.releasing)` only
//   after `body` has returned, so the samples it reads cannot be overwritten meanwhile.
// - `head` and the producer's fields sit 128 bytes apart, so each side writes its own
//   cache line.
// - The span handed to `body` points into `samples` and cannot outlive the call (Span
//   is non-escapable); `headers` and `samples` are allocated in `init`, freed in `deinit`.
import Synchronization

public struct SampleFrameHeader: BitwiseCopyable, Sendable {
    /// The producer's media time of the frame's first sample.
    public var sampleTime: Int64
    public var sampleCount: Int32
    /// Every sample is zero; the frame's samples were not stored.
    public var isSilent: Bool
}

public final class SampleFrameRing: @unchecked Sendable {
    public let capacity: Int
    public let maxSamplesPerFrame: Int
    private let mask: UInt64
    private let headers: UnsafeMutablePointer<SampleFrameHeader>
    /// `capacity × maxSamplesPerFrame` samples, slot `i` at `i × maxSamplesPerFrame`.
    private let samples: UnsafeMutablePointer<Int16>
    // The consumer writes `head`, the producer `tail`, `drops` and `producerHead`: padding
    // keeps the two sides' writes on different cache lines (as in SPSCRing).
    private let head = Atomic<UInt64>(0)
    private let padding0: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                           UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private let tail = Atomic<UInt64>(0)
    private let drops = Atomic<UInt64>(0)
    /// Producer only: the head it last saw.
    private var producerHead: UInt64 = 0

    /// - Parameter capacity: frames, rounded up to a power of two, at least 2.
    public init(capacity requested: Int, maxSamplesPerFrame: Int) {
        var cap = 2
        while cap < requested { cap <<= 1 }
        capacity = cap
        mask = UInt64(cap - 1)
        self.maxSamplesPerFrame = max(1, maxSamplesPerFrame)
        headers = .allocate(capacity: cap)
        headers.initialize(repeating: SampleFrameHeader(sampleTime: 0, sampleCount: 0, isSilent: true), count: cap)
        samples = .allocate(capacity: cap * self.maxSamplesPerFrame)
        samples.initialize(repeating: 0, count: cap * self.maxSamplesPerFrame)
    }

    deinit {
        headers.deallocate()
        samples.deallocate()
    }

    // MARK: producer side

    /// Appends a frame of `source` (at most `maxSamplesPerFrame`); false, and a drop
    /// counted, when the ring is full. Never blocks, never allocates.
    public func tryPush(_ source: Span<Int16>, sampleTime: Int64) -> Bool {
        guard let t = reserve() else { return false }
        let n = min(source.count, maxSamplesPerFrame)
        let base = samples + Int(t & mask) * maxSamplesPerFrame
        for i in 0..<n { base[i] = source[i] }
        publish(t, SampleFrameHeader(sampleTime: sampleTime, sampleCount: Int32(n), isSilent: false))
        return true
    }

    /// Appends a frame of `count` zeros without writing them.
    public func tryPushSilence(count: Int, sampleTime: Int64) -> Bool {
        guard let t = reserve() else { return false }
        publish(t, SampleFrameHeader(sampleTime: sampleTime, sampleCount: Int32(min(count, maxSamplesPerFrame)),
                                     isSilent: true))
        return true
    }

    private func reserve() -> UInt64? {
        // Only the producer writes `tail`: a relaxed load sees its own last store.
        let t = tail.load(ordering: .relaxed)
        if t &- producerHead >= UInt64(capacity) {
            // Pairs with the consumer's `head.store(.releasing)`: the slot was fully read.
            producerHead = head.load(ordering: .acquiring)
            if t &- producerHead >= UInt64(capacity) {
                // Counter only; no other memory is published through it.
                drops.wrappingAdd(1, ordering: .relaxed)
                return nil
            }
        }
        return t
    }

    private func publish(_ t: UInt64, _ header: SampleFrameHeader) {
        headers[Int(t & mask)] = header
        // Pairs with the consumer's `tail.load(.acquiring)`: publishes header and samples.
        tail.store(t &+ 1, ordering: .releasing)
    }

    // MARK: consumer side (one thread at a time)

    /// Hands every waiting frame to `body` in order — its header and its stored samples
    /// (empty for a silent frame) — then releases them all. Returns the frame count.
    public func popAll(_ body: (SampleFrameHeader, Span<Int16>) -> Void) -> Int {
        // Only the consumer writes `head`: a relaxed load sees its own last store.
        let h = head.load(ordering: .relaxed)
        // Pairs with the producer's `tail.store(.releasing)`: headers and samples visible.
        let t = tail.load(ordering: .acquiring)
        guard t != h else { return 0 }
        var i = h
        while i != t {
            let header = headers[Int(i & mask)]
            let stored = header.isSilent ? 0 : Int(header.sampleCount)
            body(header, UnsafeBufferPointer(start: samples + Int(i & mask) * maxSamplesPerFrame, count: stored).span)
            i &+= 1
        }
        // Pairs with the producer's `head.load(.acquiring)`: the slots may be reused.
        head.store(t, ordering: .releasing)
        return Int(t &- h)
    }

    // MARK: either side

    /// Frames refused because the ring was full. Any thread.
    public var droppedCount: UInt64 { drops.load(ordering: .relaxed) }

    /// Frames waiting at some instant. Any thread.
    public var approximateCount: Int {
        let h = head.load(ordering: .acquiring)
        let t = tail.load(ordering: .acquiring)
        return Int(min(t &- h, UInt64(capacity)))
    }
}
