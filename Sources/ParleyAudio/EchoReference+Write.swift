/// The per-frame copies of `EchoReference.write`: what was played and what was heard into
/// their rings, with the energies the delay estimator and the echo gate need.
extension EchoReference {
    /// Copies `count` played samples (zeros when `silent`) into the ring from `at`; returns
    /// the frame's energy and each 2.5 ms sub-block's, each summed in sample order as before
    /// (their rounding is theirs).
    static func writePlayed(_ source: Span<Int16>, silent: Bool, into played: inout [Int16], at start: Int,
                            count n: Int, block: Int) -> (Float, (Float, Float, Float, Float)) {
        var energy: Float = 0
        var blocks: (Float, Float, Float, Float) = (0, 0, 0, 0)
        var ring = played.mutableSpan
        var at = start
        if silent {
            for _ in 0..<n {
                ring[at] = 0
                at += 1
                if at == ring.count { at = 0 }
            }
            return (energy, blocks)
        }
        for b in 0..<4 {
            var r: Float = 0
            for i in (b * block)..<((b + 1) * block) {
                let p = source[i]
                ring[at] = p
                let v = Float(p)
                energy += v * v
                r += v * v
                at += 1
                if at == ring.count { at = 0 }
            }
            storeBlock(&blocks, b, r)
        }
        for i in (4 * block)..<n {
            let p = source[i]
            ring[at] = p
            energy += Float(p) * Float(p)
            at += 1
            if at == ring.count { at = 0 }
        }
        return (energy, blocks)
    }

    /// Copies `count` captured samples into the ring from `at`; returns each sub-block's
    /// energy. A sub-block of zeros sums to +0 in any order: its products are not summed
    /// (a line of digital silence is most of a listen-only call).
    static func writeHeard(_ source: Span<Int16>, into heard: inout [Int16], at start: Int,
                           count n: Int, block: Int) -> (Float, Float, Float, Float) {
        var blocks: (Float, Float, Float, Float) = (0, 0, 0, 0)
        var ring = heard.mutableSpan
        var at = start
        for b in 0..<4 {
            var any: Int16 = 0
            for i in (b * block)..<((b + 1) * block) {
                let q = source[i]
                ring[at] = q
                any |= q
                at += 1
                if at == ring.count { at = 0 }
            }
            guard any != 0 else { continue }
            var c: Float = 0
            for i in (b * block)..<((b + 1) * block) {
                let q = Float(source[i])
                c += q * q
            }
            storeBlock(&blocks, b, c)
        }
        for i in (4 * block)..<n {
            ring[at] = source[i]
            at += 1
            if at == ring.count { at = 0 }
        }
        return blocks
    }

    static func isZero(_ source: Span<Int16>, count n: Int) -> Bool {
        var any: Int16 = 0
        for i in 0..<n { any |= source[i] }
        return any == 0
    }

    static func largest(_ energies: Span<Float>) -> Float {
        var loudest: Float = 0
        for k in 0..<energies.count where energies[k] > loudest { loudest = energies[k] }
        return loudest
    }

    @inline(__always) static func storeBlock(_ t: inout (Float, Float, Float, Float), _ i: Int, _ v: Float) {
        switch i {
        case 0: t.0 = v
        case 1: t.1 = v
        case 2: t.2 = v
        default: t.3 = v
        }
    }

    @inline(__always) static func loadBlock(_ t: (Float, Float, Float, Float), _ i: Int) -> Float {
        switch i {
        case 0: t.0
        case 1: t.1
        case 2: t.2
        default: t.3
        }
    }
}
