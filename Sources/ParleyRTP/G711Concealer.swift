/// Repeat-and-fade packet loss concealment for G.711 (and any codec without its own
/// PLC), on 16-bit PCM: a lost frame repeats the last good frame with a linear fade,
/// reaching silence after `fadeFrames` consecutive losses; the first good frame after
/// a loss is faded in over `crossfadeSamples`. Buffers are allocated at init.
public struct G711Concealer: Sendable {
    public let frameSamples: Int
    public let fadeFrames: Int
    public let crossfadeSamples: Int
    var lastGood: [Int16]
    var lastGoodCount = 0
    /// Consecutive concealed frames so far.
    public private(set) var consecutiveLosses = 0

    public init(frameSamples: Int, fadeFrames: Int = 3, crossfadeSamples: Int = 40) {
        self.frameSamples = max(1, frameSamples)
        self.fadeFrames = max(1, fadeFrames)
        self.crossfadeSamples = max(0, min(crossfadeSamples, frameSamples))
        lastGood = Array(repeating: 0, count: self.frameSamples)
    }

    /// Records a decoded good frame (in place: smooths the join after a loss).
    public mutating func good(_ frame: inout MutableSpan<Int16>) {
        let n = min(frame.count, frameSamples)
        if consecutiveLosses > 0 {
            // Fade in from the level the concealment reached.
            // Gains in Q16: from the concealment's last level up to 1 across the ramp.
            let startGain = (fadeFrames - min(consecutiveLosses, fadeFrames)) << 16 / fadeFrames
            let ramp = min(crossfadeSamples, n)
            for i in 0..<ramp {
                let g = startGain + ((1 << 16) - startGain) * i / max(1, ramp)
                frame[i] = Int16(clamping: (Int(frame[i]) * g + (1 << 15)) >> 16)
            }
        }
        for i in 0..<n { lastGood[i] = frame[i] }
        lastGoodCount = n
        consecutiveLosses = 0
    }

    /// Writes a concealment frame into `out` (up to `frameSamples` samples); returns the count written.
    public mutating func conceal(into out: inout MutableSpan<Int16>) -> Int {
        let n = min(out.count, frameSamples)
        consecutiveLosses += 1
        let k = consecutiveLosses
        guard lastGoodCount > 0, k <= fadeFrames else {
            for i in 0..<n { out[i] = 0 }
            return n
        }
        // Gain falls linearly from (fadeFrames-k+1)/fadeFrames to (fadeFrames-k)/fadeFrames across the frame.
        // Gains in Q16.
        let start = (fadeFrames - k + 1) << 16 / fadeFrames
        let end = (fadeFrames - k) << 16 / fadeFrames
        for i in 0..<n {
            let g = start + (end - start) * i / max(1, n)
            out[i] = Int16(clamping: (Int(lastGood[i % max(1, lastGoodCount)]) * g + (1 << 15)) >> 16)
        }
        return n
    }
}
