/// ITU-T G.711 companding: μ-law (PCMU) and A-law (PCMA).
///
/// G.711 defines μ-law on 14-bit and A-law on 13-bit two's-complement samples; 16-bit
/// input is reduced by an arithmetic shift (2 and 3 bits), as in the reference code
/// distributed with the standard. Decoding goes through 256-entry tables built from the
/// standard's segment formula; encoding finds the segment in O(1) from the position of
/// the highest set bit. Both directions write into caller buffers and never allocate.
public enum G711 {
    /// μ-law code → 16-bit linear sample. Codes 0xFF and 0x7F both decode to 0.
    static let muLawDecodeTable: [Int16] = (0..<256).map { code in
        let inverted = ~UInt8(code)
        let exponent = Int(inverted >> 4) & 0x07
        let mantissa = Int(inverted) & 0x0F
        let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
        return Int16(inverted & 0x80 != 0 ? -magnitude : magnitude)
    }

    /// A-law code → 16-bit linear sample (even bits inverted, 0x55, as G.711 transmits).
    static let aLawDecodeTable: [Int16] = (0..<256).map { code in
        let toggled = UInt8(code) ^ 0x55
        let exponent = Int(toggled >> 4) & 0x07
        let mantissa = Int(toggled) & 0x0F
        let magnitude = exponent == 0
            ? (mantissa << 4) + 8
            : ((mantissa << 4) + 0x108) << (exponent - 1)
        return Int16(toggled & 0x80 != 0 ? magnitude : -magnitude)
    }

    /// Encodes one sample to μ-law.
    @inlinable
    public static func encodeMuLaw(_ sample: Int16) -> UInt8 {
        var value = Int32(sample) >> 2                       // 14-bit two's complement
        let mask: UInt8 = value < 0 ? 0x7F : 0xFF
        if value < 0 { value = -value }
        value = min(value, 8159) + 33                        // clip at 8159, add bias 33: 33...8192
        let segment = max(0, (32 - value.leadingZeroBitCount) - 6)
        if segment >= 8 { return 0x7F ^ mask }
        let mantissa = UInt8(truncatingIfNeeded: value >> (segment + 1)) & 0x0F
        return (UInt8(segment) << 4 | mantissa) ^ mask
    }

    /// Encodes one sample to A-law.
    @inlinable
    public static func encodeALaw(_ sample: Int16) -> UInt8 {
        var value = Int32(sample) >> 3                       // 13-bit two's complement
        let mask: UInt8
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1                               // 0...4095
        }
        let segment = max(0, (32 - value.leadingZeroBitCount) - 5)  // never above 7
        let mantissa = UInt8(truncatingIfNeeded: segment < 2 ? value >> 1 : value >> segment) & 0x0F
        return (UInt8(segment) << 4 | mantissa) ^ mask
    }

    /// Decodes one μ-law code.
    public static func decodeMuLaw(_ code: UInt8) -> Int16 { muLawDecodeTable[Int(code)] }

    /// Decodes one A-law code.
    public static func decodeALaw(_ code: UInt8) -> Int16 { aLawDecodeTable[Int(code)] }

    /// Encodes `pcm` into `codes` from index `offset` on (after an RTP header, say), one
    /// byte per sample. Returns the byte count written, or throws `.outputTooSmall` when
    /// fewer than `pcm.count` bytes follow `offset`.
    public static func encode(
        _ law: Law, _ pcm: Span<Int16>, into codes: inout MutableSpan<UInt8>, at offset: Int = 0
    ) throws(CodecError) -> Int {
        let count = pcm.count
        guard offset >= 0, codes.count - offset >= count else { throw CodecError(.outputTooSmall) }
        switch law {
        case .muLaw:
            for index in 0..<count { codes[offset + index] = encodeMuLaw(pcm[index]) }
        case .aLaw:
            for index in 0..<count { codes[offset + index] = encodeALaw(pcm[index]) }
        }
        return count
    }

    /// Decodes `codes` into `pcm`, one sample per byte. Returns the sample count written,
    /// or throws `.outputTooSmall` when `pcm` is shorter than `codes`.
    public static func decode(
        _ law: Law, _ codes: Span<UInt8>, into pcm: inout MutableSpan<Int16>
    ) throws(CodecError) -> Int {
        let count = codes.count
        guard pcm.count >= count else { throw CodecError(.outputTooSmall) }
        let table = law == .muLaw ? muLawDecodeTable : aLawDecodeTable
        let lookup = table.span
        for index in 0..<count { pcm[index] = lookup[Int(codes[index])] }
        return count
    }

    /// The two companding laws.
    public enum Law: Sendable, Hashable {
        case muLaw
        case aLaw

        /// The RTP codec carrying this law.
        public var codec: Codec { self == .muLaw ? .pcmu : .pcma }
    }
}
