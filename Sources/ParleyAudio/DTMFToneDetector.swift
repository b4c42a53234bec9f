import Foundation

/// In-band DTMF detection (ITU-T Q.23 frequencies, Q.24 acceptance limits) on 10 ms frames.
///
/// Each frame is correlated (Hann-windowed) with the eight DTMF frequencies. A 20 ms block
/// (the previous frame and this one) is a valid digit when:
/// - one row and one column tone carry most of the energy of both halves (tones dominate,
///   both halves filled, so a tone cut short does not pass);
/// - the twist is within limits (high group at most `normalTwistDb` over the low group,
///   low group at most `reverseTwistDb` over the high group);
/// - each tone's frequency, measured from the phase advance between the two halves, is within
///   `frequencyTolerance` of nominal (Q.24: accept ±1.5 %, reject beyond ±3.5 %).
/// Two consecutive valid blocks start a digit (≈30 ms of tone; Q.24 minimum 40 ms accepted,
/// 20 ms rejected); two invalid blocks end it. Storage is allocated in `init` only.
public struct DTMFToneDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var normalTwistDb: Float = 8
        public var reverseTwistDb: Float = 4
        public var frequencyTolerance: Float = 0.025
        /// Share of a half-block's energy the two tones must carry. Voiced speech whose
        /// harmonics sit near a row and a column frequency carries up to ~0.7 of its energy
        /// there for 30 ms (talk-off: espeak-ng "can you repeat that" read as 5, "no" as 1);
        /// a real tone, even at 20 dB SNR, carries over 0.95.
        public var toneDominance: Float = 0.8
        /// Each tone's level floor (dBFS, per tone).
        public var minimumToneDbfs: Float = -40
        public init() {}
    }

    public enum Event: Sendable, Equatable {
        case digitStarted(Character, atMs: Int)
        case digitEnded(Character, startMs: Int, endMs: Int)
    }

    public static let rowHz: [Float] = [697, 770, 852, 941]
    public static let columnHz: [Float] = [1209, 1336, 1477, 1633]
    static let keys: [[Character]] = [["1", "2", "3", "A"], ["4", "5", "6", "B"], ["7", "8", "9", "C"], ["*", "0", "#", "D"]]

    public let configuration: Configuration
    private let frameSamples: Int
    private let sampleRate: Float
    private var cosTable: [Float]   // 8 × frameSamples, Hann-windowed
    private var sinTable: [Float]
    /// Per tone, the sine and cosine of its nominal phase advance over one frame (`blockPower`).
    private let advanceSin: [Float]
    private let advanceCos: [Float]
    private var previousRe: [Float]
    private var previousIm: [Float]
    private var currentRe: [Float]
    private var currentIm: [Float]
    private var previousEnergy: Float = 0
    /// A frame's energy (sum of squares) under which its correlations are not computed: a
    /// fifth of one tone's floor F. A Hann-windowed correlation carries at most 3 × the
    /// frame's energy (Cauchy–Schwarz: Σw² = 3n/8), so each tone of such a frame stays
    /// under 3F/5. With the halves' tone sums within a factor of 2 of each other, the
    /// block's row and column sums then add up to under 18F/5, short of the 4F that both
    /// being over 2F needs, whether the quiet frame is the block's first half or its second.
    /// Skipping them changes no decision; on a quiet line it saves the detector's whole cost.
    private let quietFrameEnergy: Float
    private var hasPrevious = false
    /// The current and previous correlations are all +0 (as allocated, and after a quiet frame).
    private var correlationsAreZero = true
    /// Tests only: judge blocks ending in a quiet frame too (the reference the shortcut in
    /// `process` is compared with).
    var evaluatesQuietBlocks = false

    private enum Phase: Sendable {
        case idle
        case candidate(key: Int, startMs: Int)
        case active(key: Int, startMs: Int, lastValidEndMs: Int, misses: Int)
    }
    private var phase: Phase = .idle

    public init(format: AudioFormat, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        frameSamples = format.frameSamples
        sampleRate = Float(format.sampleRate)
        let n = frameSamples
        quietFrameEnergy = Float(n) * 1073741824 * pow10(configuration.minimumToneDbfs / 10) / 5
        cosTable = [Float](repeating: 0, count: 8 * n)
        sinTable = [Float](repeating: 0, count: 8 * n)
        let freqs = Self.rowHz + Self.columnHz
        for k in 0..<8 {
            for i in 0..<n {
                let w = 0.5 - 0.5 * cos(2 * Double.pi * (Double(i) + 0.5) / Double(n))
                let a = 2 * Double.pi * Double(freqs[k]) * Double(i) / Double(format.sampleRate)
                cosTable[k * n + i] = Float(w * cos(a))
                sinTable[k * n + i] = Float(-w * sin(a))
            }
        }
        let advances = freqs.map { 2 * Float.pi * $0 * Float(n) / Float(format.sampleRate) }
        advanceSin = advances.map { sin($0) }
        advanceCos = advances.map { cos($0) }
        previousRe = [Float](repeating: 0, count: 8)
        previousIm = [Float](repeating: 0, count: 8)
        currentRe = [Float](repeating: 0, count: 8)
        currentIm = [Float](repeating: 0, count: 8)
    }

    /// Feeds one 10 ms frame starting at `atMs`; returns digit start/end events.
    public mutating func process(_ frame: borrowing [Int16], offset: Int = 0, atMs: Int) -> FixedList<Event> {
        let n = frameSamples
        let samples = frame.span.extracting(offset..<(offset + n))
        // A frame of zeros (digital silence) sums to +0 in any order: no products summed.
        var any: Int16 = 0
        for i in 0..<n { any |= samples[i] }
        var energy: Float = 0
        if any != 0 {
            for i in 0..<n {
                let v = Float(samples[i])
                energy += v * v
            }
        }
        let quiet = energy < quietFrameEnergy
        if quiet {
            // No tone can be valid in a block with this frame, nor in the next one (see
            // `quietFrameEnergy`): its correlations are taken as zero. (Already zero after a
            // quiet frame: the four arrays are not written again, nor copied below.)
            if !correlationsAreZero {
                for k in 0..<8 {
                    currentRe[k] = 0
                    currentIm[k] = 0
                }
            }
        } else {
            correlationsAreZero = false
            for k in 0..<8 {
                var re: Float = 0
                var im: Float = 0
                let base = k * n
                for i in 0..<n {
                    let v = Float(frame[offset + i])
                    re += v * cosTable[base + i]
                    im += v * sinTable[base + i]
                }
                currentRe[k] = re
                currentIm[k] = im
            }
        }
        var key = -1
        // A quiet frame's correlations are zero, so its tones carry 0, which is never over
        // `toneDominance` (≥ 0) times its energy: `validKey` would answer -1 (and its 16 sines
        // and cosines are not worth that).
        if hasPrevious && !(quiet && configuration.toneDominance >= 0 && !evaluatesQuietBlocks) {
            key = validKey(energy: energy)
        }
        if !(quiet && correlationsAreZero) {
            for k in 0..<8 {
                previousRe[k] = currentRe[k]
                previousIm[k] = currentIm[k]
            }
        }
        if quiet { correlationsAreZero = true }
        previousEnergy = energy
        hasPrevious = true
        return advance(key: key, blockStartMs: atMs - AudioFormat.frameMs, blockEndMs: atMs + AudioFormat.frameMs)
    }

    /// Energy a steady tone of this correlation output would have in one frame.
    @inline(__always) private func toneEnergy(_ re: Float, _ im: Float) -> Float {
        (re * re + im * im) * 8 / Float(frameSamples)
    }

    private func validKey(energy: Float) -> Int {
        let c = configuration
        // Pick the strongest row and column over the whole 20 ms block.
        var row = 0, col = 4
        var rowPower: Float = -1, colPower: Float = -1
        for k in 0..<8 {
            let p = blockPower(k)
            if k < 4 { if p > rowPower { rowPower = p; row = k } } else if p > colPower { colPower = p; col = k }
        }
        // Both halves carry the tones, and the tones dominate each half.
        let rowPrev = toneEnergy(previousRe[row], previousIm[row])
        let colPrev = toneEnergy(previousRe[col], previousIm[col])
        let rowCur = toneEnergy(currentRe[row], currentIm[row])
        let colCur = toneEnergy(currentRe[col], currentIm[col])
        let tonesPrev = rowPrev + colPrev
        let tonesCur = tonesPrev > 0 ? rowCur + colCur : 0
        guard tonesPrev > c.toneDominance * previousEnergy, tonesCur > c.toneDominance * energy else { return -1 }
        guard min(tonesPrev, tonesCur) >= 0.5 * max(tonesPrev, tonesCur) else { return -1 }
        // Level: each tone above the floor (mean-square of a frame, relative to full scale).
        let floorEnergy = Float(frameSamples) * 1073741824 * pow10(c.minimumToneDbfs / 10)
        guard rowPrev + rowCur > 2 * floorEnergy, colPrev + colCur > 2 * floorEnergy else { return -1 }
        // Twist.
        let twistDb = 10 * log10((colPrev + colCur) / (rowPrev + rowCur))
        guard twistDb <= c.normalTwistDb, -twistDb <= c.reverseTwistDb else { return -1 }
        // Frequency, from the phase advance between the halves.
        guard frequencyWithinTolerance(row), frequencyWithinTolerance(col) else { return -1 }
        return row * 4 + (col - 4)
    }

    private func nominalHz(_ k: Int) -> Float { k < 4 ? Self.rowHz[k] : Self.columnHz[k - 4] }

    /// Power of the 20 ms block: previous half plus current half rotated back by the
    /// nominal phase advance over one frame.
    private func blockPower(_ k: Int) -> Float {
        let (s, co) = (advanceSin[k], advanceCos[k])
        let re = previousRe[k] + (currentRe[k] * co + currentIm[k] * s)
        let im = previousIm[k] + (currentIm[k] * co - currentRe[k] * s)
        return re * re + im * im
    }

    private func frequencyWithinTolerance(_ k: Int) -> Bool {
        let f = nominalHz(k)
        // arg(current · conj(previous)) is the phase the tone advanced over one frame.
        let re = currentRe[k] * previousRe[k] + currentIm[k] * previousIm[k]
        let im = currentIm[k] * previousRe[k] - currentRe[k] * previousIm[k]
        var delta = atan2(im, re) - 2 * Float.pi * f * Float(frameSamples) / sampleRate
        delta = delta - 2 * Float.pi * (delta / (2 * Float.pi)).rounded()
        let offsetHz = delta * sampleRate / (2 * Float.pi * Float(frameSamples))
        return abs(offsetHz) <= configuration.frequencyTolerance * f
    }

    private mutating func advance(key: Int, blockStartMs: Int, blockEndMs: Int) -> FixedList<Event> {
        var events = FixedList<Event>()
        switch phase {
        case .idle:
            if key >= 0 { phase = .candidate(key: key, startMs: blockStartMs) }
        case let .candidate(candidate, startMs):
            if key == candidate {
                phase = .active(key: key, startMs: startMs, lastValidEndMs: blockEndMs, misses: 0)
                events.append(.digitStarted(Self.character(key), atMs: startMs))
            } else {
                phase = key >= 0 ? .candidate(key: key, startMs: blockStartMs) : .idle
            }
        case let .active(active, startMs, lastValidEndMs, misses):
            if key == active {
                phase = .active(key: key, startMs: startMs, lastValidEndMs: blockEndMs, misses: 0)
            } else if misses + 1 >= 2 {
                events.append(.digitEnded(Self.character(active), startMs: startMs, endMs: lastValidEndMs))
                phase = key >= 0 ? .candidate(key: key, startMs: blockStartMs) : .idle
            } else {
                phase = .active(key: active, startMs: startMs, lastValidEndMs: lastValidEndMs, misses: misses + 1)
            }
        }
        return events
    }

    static func character(_ key: Int) -> Character { keys[key / 4][key % 4] }
}

@inline(__always) private func pow10(_ x: Float) -> Float { exp(x * 2.302585093) }
