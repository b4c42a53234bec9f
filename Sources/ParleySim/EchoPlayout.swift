/// The simulated phone's playout of the bot's stream, for the echo path: a small jitter
/// buffer indexed by RTP timestamp. The bot's samples are written as they arrive (with
/// their timestamps); every tick the next frame is read at a playout point that runs on
/// the caller's clock, `depthSamples` behind the first sample heard. So the echo keeps
/// one fixed delay whatever the arrival jitter: a packet that arrives after its playout
/// point is dropped (its echo is missing for one frame) and never shifts what follows.
///
/// (A bare FIFO read 160 samples per tick instead: each packet that missed a tick left a
/// 20 ms hole and pushed all later echo 20 ms further back, for good; over a call the echo
/// delay wandered from 100 ms to over 500 ms, which no hybrid or handset does.)
///
/// Storage is allocated in `init`; `write` and `read` do not allocate. One thread (the
/// pacer) owns it.
public struct EchoPlayout: Sendable {
    /// Ring of samples by timestamp (a power of two, 1 s at 8 kHz).
    public static let capacity = 8_192
    static let mask = UInt32(capacity - 1)
    /// Playout point behind the first sample.
    public let depthSamples: Int
    /// 40 ms at 8 kHz: two 20 ms packets of jitter.
    public static let defaultDepthSamples = 320
    var samples: [Int16]
    var filled: [Bool]
    /// Timestamp of the next sample to play; nil until the first sample.
    var playTimestamp: UInt32?
    /// Samples that arrived after their playout point (dropped), and restarts after a
    /// timestamp jump.
    public private(set) var lateSamples = 0
    public private(set) var resyncCount = 0

    public init(depthSamples: Int = Self.defaultDepthSamples) {
        precondition(depthSamples >= 0 && depthSamples < Self.capacity / 2)
        self.depthSamples = depthSamples
        samples = [Int16](repeating: 0, count: Self.capacity)
        filled = [Bool](repeating: false, count: Self.capacity)
    }

    /// One received sample of the bot's stream with its RTP timestamp.
    public mutating func write(timestamp: UInt32, sample: Int16) {
        guard let play = playTimestamp else {
            playTimestamp = timestamp &- UInt32(depthSamples)
            store(timestamp, sample)
            return
        }
        let ahead = Int(Int32(bitPattern: timestamp &- play))
        if ahead < 0 {
            // Behind the playout point: late (its echo already went out as silence), or a
            // jump back of the bot's timestamps (a new stream), which restarts playout.
            if ahead < -Self.capacity / 2 { resync(timestamp, sample) } else { lateSamples += 1 }
            return
        }
        if ahead >= Self.capacity - depthSamples {
            resync(timestamp, sample)   // a jump ahead: the bot's clock moved on
            return
        }
        store(timestamp, sample)
    }

    /// Fills `frame` with the next samples in timestamp order (silence where nothing
    /// arrived) and advances the playout point by its length.
    public mutating func read(into frame: inout MutableSpan<Int16>) {
        guard var t = playTimestamp else {
            for i in 0..<frame.count { frame[i] = 0 }
            return
        }
        for i in 0..<frame.count {
            let k = Int(t & Self.mask)
            frame[i] = filled[k] ? samples[k] : 0
            filled[k] = false
            t &+= 1
        }
        playTimestamp = t
    }

    mutating func store(_ timestamp: UInt32, _ sample: Int16) {
        let k = Int(timestamp & Self.mask)
        samples[k] = sample
        filled[k] = true
    }

    mutating func resync(_ timestamp: UInt32, _ sample: Int16) {
        resyncCount += 1
        for i in 0..<Self.capacity { filled[i] = false }
        playTimestamp = timestamp &- UInt32(depthSamples)
        store(timestamp, sample)
    }
}
