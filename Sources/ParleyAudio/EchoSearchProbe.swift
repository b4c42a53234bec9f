/// A benchmark's handle on the wide echo-delay search that `EchoReference.relocate()` runs
/// while the echo stops matching at the known delay: a reference fed a prompt and its echo
/// frame by frame, searched around a given delay with the exhaustive (sample by sample) or
/// the coarse-to-fine strategy. `init` allocates; `write` and `search` do not.
public struct EchoSearchProbe {
    private var reference: EchoReference
    private let played: [Int16]
    private let capture: [Int16]
    private var playFrame: [Int16]
    private var captureFrame: [Int16]
    public let format: AudioFormat
    /// Frames in the prompt; `write(frame:)` takes them in order.
    public let frameCount: Int

    /// `played`: what was played; `capture`: what came back, sample for sample.
    public init(format: AudioFormat, played: [Int16], capture: [Int16]) {
        self.format = format
        reference = EchoReference(format: format, maxDelayMs: 300)
        self.played = played
        self.capture = capture
        playFrame = [Int16](repeating: 0, count: format.frameSamples)
        captureFrame = [Int16](repeating: 0, count: format.frameSamples)
        frameCount = min(played.count, capture.count) / format.frameSamples
    }

    /// Writes frame `index` (played and heard) into the reference.
    public mutating func write(frame index: Int) {
        let n = format.frameSamples
        for i in 0..<n {
            playFrame[i] = played[index * n + i]
            captureFrame[i] = capture[index * n + i]
        }
        reference.write(played: playFrame, playedIsSilent: false, capture: captureFrame,
                        sampleTime: Int64(index * n), updateEstimate: false)
    }

    /// One relocation search around `delayMs` over the frames written so far: the lag found
    /// (samples, correlation ≥ 0.9) or -1.
    public mutating func search(aroundDelayMs delayMs: Int, coarseToFine: Bool) -> Int {
        reference.relocationSearch(around: format.samples(ms: delayMs),
                                   search: coarseToFine ? .coarseToFine : .exhaustive)?.lag ?? -1
    }

    /// Multiply-adds of the last search (block sums counted as one each).
    public var lastSearchMultiplyAdds: Int { reference.lastSearchMultiplyAdds }
}
