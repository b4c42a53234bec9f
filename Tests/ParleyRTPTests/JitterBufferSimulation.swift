@testable import ParleyRTP

/// Generates a G.711 packet stream with injected impairments and plays it through a
/// jitter buffer on a receiver clock, recording what comes out. Deterministic (seeded).
struct JitterBufferSimulation {
    struct Impairments {
        var packets = 3000
        /// Sequence offsets never sent.
        var lost: Set<Int> = []
        /// Sequence offsets sent twice (the copy 5 ms later).
        var duplicated: Set<Int> = []
        /// Offsets i whose packet is delayed to arrive after packet i+1.
        var swappedWithNext: Set<Int> = []
        /// Uniform extra network delay in ms (0..<jitterMs).
        var jitterMs = 0
        /// Sender clock error in parts per million (+ = sender fast).
        var driftPPM = 0.0
        var firstSequence: UInt16 = 65000
        var seed: UInt64 = 1
    }

    struct Outcome {
        var ticks = 0
        var frames: [Int64] = []
        var conceals = 0
        var buffering = 0
        var contentOK = true
        var maxDepthMs = 0
        var statistics = JitterBufferStatistics()
    }

    static func run(_ imp: Impairments, configuration: JitterBufferConfiguration = .init()) -> Outcome {
        var rng = imp.seed
        func random(_ n: Int) -> Int {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return n <= 0 ? 0 : Int((rng >> 33) % UInt64(n))
        }
        // Arrival times in microseconds on the receiver clock.
        let periodUs = 20_000.0 / (1 + imp.driftPPM / 1_000_000)
        var arrivals: [(us: Int64, offset: Int)] = []
        for i in 0..<imp.packets where !imp.lost.contains(i) {
            var t = Int64((Double(i) * periodUs).rounded()) + 10_000 + Int64(random(imp.jitterMs * 1000))
            if imp.swappedWithNext.contains(i) { t += 25_000 }
            arrivals.append((t, i))
            if imp.duplicated.contains(i) { arrivals.append((t + 5_000, i)) }
        }
        arrivals.sort { $0.us < $1.us || $0.us == $1.us && $0.offset < $1.offset }

        var jb = JitterBuffer(configuration: configuration)
        var out = Outcome()
        var payload = [UInt8](repeating: 0, count: 160)
        var frame = [UInt8](repeating: 0, count: configuration.maxPayloadBytes)
        var next = 0
        let endUs = arrivals.last!.us + 400_000
        var tickUs: Int64 = 20_000
        while tickUs <= endUs {
            while next < arrivals.count && arrivals[next].us <= tickUs {
                let i = arrivals[next].offset
                let seq = imp.firstSequence &+ UInt16(truncatingIfNeeded: i)
                payload[0] = UInt8(truncatingIfNeeded: i >> 8)
                payload[1] = UInt8(truncatingIfNeeded: i)
                let h = RTPHeader(payloadType: 0, sequenceNumber: seq, timestamp: UInt32(truncatingIfNeeded: i * 160), ssrc: 5)
                let arrival = UInt32(truncatingIfNeeded: arrivals[next].us * 8 / 1000)
                jb.put(header: h, payload: payload.span, arrival: arrival)
                next += 1
            }
            var span = frame.mutableSpan
            let result = jb.get(into: &span)
            out.ticks += 1
            switch result {
            case .frame(let f):
                out.frames.append(f.extendedSequenceNumber)
                let offset = Int(frame[0]) << 8 | Int(frame[1])
                if f.payloadBytes != 160 || UInt16(truncatingIfNeeded: offset) &+ imp.firstSequence != f.sequenceNumber {
                    out.contentOK = false
                }
            case .conceal: out.conceals += 1
            case .buffering: out.buffering += 1
            }
            out.maxDepthMs = max(out.maxDepthMs, jb.statistics.currentDepthMs)
            tickUs += 20_000
        }
        out.statistics = jb.statistics
        return out
    }
}
