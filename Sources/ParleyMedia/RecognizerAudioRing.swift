import ParleyRealtime

/// The recognizer audio of one channel, media thread → control plane: a
/// `SampleFrameRing` of 10 ms frames (a frame of digital silence writes and reads a
/// header and no samples), handed to the consumer as `RecognizerFrame`s.
///
/// Safety invariants (the contract behind `@unchecked Sendable`): the ring's — one
/// producer (`tryPush`, `tryPushSilence`), one consumer at a time (`popAll`); `frame`
/// and `frameZeroSamples` are the consumer's alone.
final class RecognizerAudioRing: @unchecked Sendable {
    private let ring: SampleFrameRing
    /// Consumer only: the frame handed to `body`, and how many of its leading samples
    /// are known to be zero (a run of silent frames zeroes it once).
    private var frame = RecognizerFrame()
    private var frameZeroSamples = 0

    /// - Parameter capacity: frames, rounded up to a power of two, at least 2.
    init(capacity: Int) {
        ring = SampleFrameRing(capacity: capacity, maxSamplesPerFrame: RecognizerFrame.maxSamples)
    }

    var capacity: Int { ring.capacity }

    // MARK: producer side (the media thread)

    /// Appends a frame of `source` (at most `RecognizerFrame.maxSamples`); false, and a
    /// drop counted, when the ring is full. Never blocks, never allocates.
    func tryPush(_ source: Span<Int16>, sampleTime: Int64) -> Bool {
        ring.tryPush(source, sampleTime: sampleTime)
    }

    /// Appends a frame of `count` zeros without writing them.
    func tryPushSilence(count: Int, sampleTime: Int64) -> Bool {
        ring.tryPushSilence(count: count, sampleTime: sampleTime)
    }

    // MARK: consumer side (one control-plane thread at a time)

    /// Hands every waiting frame to `body` in order (a silent frame as zeros, with
    /// `isSilent` set), then releases them all. Returns the frame count.
    func popAll(_ body: (borrowing RecognizerFrame) -> Void) -> Int {
        ring.popAll { header, stored in
            let n = Int(header.sampleCount)
            if header.isSilent {
                if frameZeroSamples < n {
                    for k in frameZeroSamples..<n { frame.samples[k] = 0 }
                    frameZeroSamples = n
                }
            } else {
                for k in 0..<n { frame.samples[k] = stored[k] }
                frameZeroSamples = 0
            }
            frame.sampleCount = header.sampleCount
            frame.sampleTime = header.sampleTime
            frame.isSilent = header.isSilent
            body(frame)
        }
    }

    // MARK: either side

    /// Frames refused because the ring was full. Any thread.
    var droppedCount: UInt64 { ring.droppedCount }

    /// Frames waiting at some instant during the call. Any thread.
    var approximateCount: Int { ring.approximateCount }
}
