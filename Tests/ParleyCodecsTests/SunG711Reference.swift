/// An independent reference for G.711 companding: a line-by-line Swift transcription of the
/// classic Sun Microsystems `g711.c` (the version that reduces 16-bit input to 13-bit A-law
/// and 14-bit μ-law scale with an arithmetic shift and searches the segment end tables).
/// Deliberately written the way the C code is, not the way ParleyCodecs does it.
enum SunG711Reference {
    static let signBit = 0x80
    static let quantMask = 0xF
    static let segShift = 4
    static let segMask = 0x70
    static let segAEnd = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]
    static let segUEnd = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]
    static let bias = 0x84
    static let clip = 8159

    static func search(_ value: Int, _ table: [Int]) -> Int {
        for i in 0..<table.count where value <= table[i] { return i }
        return table.count
    }

    static func linear2alaw(_ sample: Int16) -> UInt8 {
        var pcm = Int(sample) >> 3
        let mask: Int
        if pcm >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            pcm = -pcm - 1
        }
        let seg = search(pcm, segAEnd)
        if seg >= 8 { return UInt8(0x7F ^ mask) }
        var aval = seg << segShift
        if seg < 2 { aval |= (pcm >> 1) & quantMask } else { aval |= (pcm >> seg) & quantMask }
        return UInt8(aval ^ mask)
    }

    static func alaw2linear(_ code: UInt8) -> Int16 {
        let a = Int(code) ^ 0x55
        var t = (a & quantMask) << 4
        let seg = (a & segMask) >> segShift
        switch seg {
        case 0: t += 8
        case 1: t += 0x108
        default: t += 0x108; t <<= seg - 1
        }
        return Int16((a & signBit) != 0 ? t : -t)
    }

    static func linear2ulaw(_ sample: Int16) -> UInt8 {
        var pcm = Int(sample) >> 2
        let mask: Int
        if pcm < 0 {
            pcm = -pcm
            mask = 0x7F
        } else {
            mask = 0xFF
        }
        if pcm > clip { pcm = clip }
        pcm += bias >> 2
        let seg = search(pcm, segUEnd)
        if seg >= 8 { return UInt8(0x7F ^ mask) }
        let uval = (seg << 4) | ((pcm >> (seg + 1)) & 0xF)
        return UInt8(uval ^ mask)
    }

    static func ulaw2linear(_ code: UInt8) -> Int16 {
        let u = Int(~code)
        var t = ((u & quantMask) << 3) + bias
        t <<= (u & segMask) >> segShift
        return Int16((u & signBit) != 0 ? bias - t : t - bias)
    }
}
