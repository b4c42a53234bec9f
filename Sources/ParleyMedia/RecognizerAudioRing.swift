import ParleyRealtime
import Synchronization

/// The recognizer audio of one channel, media thread → control plane: a single-producer,
/// single-consumer ring of 10 ms frames whose samples live apart from the frames' small
/// headers, so a frame of digital silence (most of a listening call on a quiet line)
/// writes and reads one 16-byte header and no samples.
///
/// Why not `SPSCRing<RecognizerFrame>`: every frame there is a 336-byte copy into a slot
/// last touched a ring's length ago and out again; with hundreds of calls those slots
/// are out of cache, and the copies were the control plane's largest cost per quiet call.
///
/// Safety invariants (the contract behind `@unchecked Sendable`): one producer thread
/// (`tryPush`, `tryPushSilence`) and one consumer at a time (`popAll`); `head` is written
/// by the consumer only, `tail` by the producer only. The producer writes slot `t`'s
/// samples and header only while `tail - head < capacity`, and publishes them with
/// `tail.store(.releasing)`; the consumer reads them after `tail.load(.acquiring)` and
/// releases the slots with `head.store(.releasing)` only after `body` has returned, so
/// the samples it reads cannot be overwritten meanwhile.
final class RecognizerAudioRing: @unchecked Sendable {
    struct Header: BitwiseCopyable {
        var sampleTime: Int64
        var sampleCount: Int32
        var isSilent: Bool
    }

    let capacity: Int
    private let mask: UInt64
    private let headers: UnsafeMutablePointer<Header>
    /// `capacity × RecognizerFrame.maxSamples` samples, slot `i` at `i × maxSamples`.
    private let samples: UnsafeMutablePointer<Int16>
    private let head = Atomic<UInt64>(0)
    private let tail = Atomic<UInt64>(0)
    private let drops = Atomic<UInt64>(0)
    /// Producer only: the head it last saw.
    private var producerHead: UInt64 = 0
    /// Consumer only: the frame handed to `body`, and how many of its leading samples
    /// are known to be zero (a run of silent frames zeroes it once).
    private var frame = RecognizerFrame()
    private var frameZeroSamples = 0

    /// - Parameter capacity: frames, rounded up to a power of two, at least 2.
    init(capacity requested: Int) {
        var cap = 2
        while cap < requested { cap <<= 1 }
        capacity = cap
        mask = UInt64(cap - 1)
        headers = .allocate(capacity: cap)
        headers.initialize(repeating: Header(sampleTime: 0, sampleCount: 0, isSilent: true), count: cap)
        samples = .allocate(capacity: cap * RecognizerFrame.maxSamples)
        samples.initialize(repeating: 0, count: cap * RecognizerFrame.maxSamples)
    }

    deinit {
        headers.deallocate()
        samples.deallocate()
    }

    // MARK: producer side (the media thread)

    /// Appends a frame of `source` (at most `RecognizerFrame.maxSamples`); false, and a
    /// drop counted, when the ring is full. Never blocks, never allocates.
    func tryPush(_ source: Span<Int16>, sampleTime: Int64) -> Bool {
        guard let t = reserve() else { return false }
        let n = min(source.count, RecognizerFrame.maxSamples)
        let base = samples + Int(t & mask) * RecognizerFrame.maxSamples
        for i in 0..<n { base[i] = source[i] }
        publish(t, Header(sampleTime: sampleTime, sampleCount: Int32(n), isSilent: false))
        return true
    }

    /// Appends a frame of `count` zeros without writing them.
    func tryPushSilence(count: Int, sampleTime: Int64) -> Bool {
        guard let t = reserve() else { return false }
        publish(t, Header(sampleTime: sampleTime, sampleCount: Int32(min(count, RecognizerFrame.maxSamples)),
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

    private func publish(_ t: UInt64, _ header: Header) {
        headers[Int(t & mask)] = header
        // Pairs with the consumer's `tail.load(.acquiring)`: publishes header and samples.
        tail.store(t &+ 1, ordering: .releasing)
    }

    // MARK: consumer side (one control-plane thread at a time)

    /// Hands every waiting frame to `body` in order (a silent frame as zeros, with
    /// `isSilent` set), then releases them all. Returns the frame count.
    func popAll(_ body: (borrowing RecognizerFrame) -> Void) -> Int {
        // Only the consumer writes `head`: a relaxed load sees its own last store.
        let h = head.load(ordering: .relaxed)
        // Pairs with the producer's `tail.store(.releasing)`: headers and samples visible.
        let t = tail.load(ordering: .acquiring)
        guard t != h else { return 0 }
        var i = h
        while i != t {
            let header = headers[Int(i & mask)]
            let n = Int(header.sampleCount)
            if header.isSilent {
                if frameZeroSamples < n {
                    for k in frameZeroSamples..<n { frame.samples[k] = 0 }
                    frameZeroSamples = n
                }
            } else {
                let base = samples + Int(i & mask) * RecognizerFrame.maxSamples
                for k in 0..<n { frame.samples[k] = base[k] }
                frameZeroSamples = 0
            }
            frame.sampleCount = header.sampleCount
            frame.sampleTime = header.sampleTime
            frame.isSilent = header.isSilent
            body(frame)
            i &+= 1
        }
        // Pairs with the producer's `head.load(.acquiring)`: the slots may be reused.
        head.store(t, ordering: .releasing)
        return Int(t &- h)
    }

    // MARK: either side

    /// Frames refused because the ring was full. Any thread.
    var droppedCount: UInt64 { drops.load(ordering: .relaxed) }

    /// Frames waiting at some instant during the call. Any thread.
    var approximateCount: Int {
        let h = head.load(ordering: .acquiring)
        let t = tail.load(ordering: .acquiring)
        return Int(min(t &- h, UInt64(capacity)))
    }
}
