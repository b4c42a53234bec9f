import Testing
@testable import ParleyCodecs

@Suite("G.711 companding")
struct G711Tests {
    @Test("μ-law encode matches the Sun g711.c reference for all 65,536 inputs")
    func muLawEncodeExhaustive() {
        var mismatches = 0
        for raw in Int(Int16.min)...Int(Int16.max) {
            let sample = Int16(raw)
            if G711.encodeMuLaw(sample) != SunG711Reference.linear2ulaw(sample) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test("A-law encode matches the Sun g711.c reference for all 65,536 inputs")
    func aLawEncodeExhaustive() {
        var mismatches = 0
        for raw in Int(Int16.min)...Int(Int16.max) {
            let sample = Int16(raw)
            if G711.encodeALaw(sample) != SunG711Reference.linear2alaw(sample) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test("decode tables match the reference for all 256 code words")
    func decodeAllCodes() {
        for code in UInt8.min...UInt8.max {
            #expect(G711.decodeMuLaw(code) == SunG711Reference.ulaw2linear(code), "μ-law \(code)")
            #expect(G711.decodeALaw(code) == SunG711Reference.alaw2linear(code), "A-law \(code)")
        }
    }

    @Test("every code word survives decode → encode (μ-law 0x7F, negative zero, becomes 0xFF)")
    func codeWordsRoundTrip() {
        for code in UInt8.min...UInt8.max {
            let expectedMuLaw: UInt8 = code == 0x7F ? 0xFF : code
            #expect(G711.encodeMuLaw(G711.decodeMuLaw(code)) == expectedMuLaw, "μ-law \(code)")
            #expect(G711.encodeALaw(G711.decodeALaw(code)) == code, "A-law \(code)")
        }
    }

    @Test("the standard's anchor points: silence, full scale, and the transmitted bit patterns")
    func anchorPoints() {
        #expect(G711.encodeMuLaw(0) == 0xFF)
        #expect(G711.encodeALaw(0) == 0xD5)
        #expect(G711.encodeMuLaw(Int16.max) == 0x80)
        #expect(G711.encodeMuLaw(Int16.min) == 0x00)
        #expect(G711.encodeALaw(Int16.max) == 0xAA)
        #expect(G711.encodeALaw(Int16.min) == 0x2A)
        #expect(G711.decodeMuLaw(0x80) == 32124)
        #expect(G711.decodeMuLaw(0x00) == -32124)
        #expect(G711.decodeALaw(0xAA) == 32256)
        #expect(G711.decodeALaw(0x2A) == -32256)
    }

    @Test("quantisation error stays within half a step of the segment at every input")
    func quantisationErrorBounded() {
        for raw in stride(from: Int(Int16.min), through: Int(Int16.max), by: 7) {
            let sample = Int16(raw)
            let muError = abs(Int(G711.decodeMuLaw(G711.encodeMuLaw(sample))) - raw)
            let aError = abs(Int(G711.decodeALaw(G711.encodeALaw(sample))) - raw)
            // Largest step: 1,024 in μ-law segment 7 (plus clipping above 32,124),
            // 1,024 in A-law segment 7 (plus clipping above 32,256).
            #expect(muError <= max(512 + 4, abs(raw) - 32124 + 4), "μ-law \(raw)")
            #expect(aError <= max(512 + 8, abs(raw) - 32256 + 8), "A-law \(raw)")
        }
    }

    @Test("buffer encode/decode writes every sample and rejects a short output")
    func bufferForms() throws {
        let pcm: [Int16] = (0..<160).map { Int16(truncatingIfNeeded: $0 * 397 - 30000) }
        for law in [G711.Law.muLaw, .aLaw] {
            var codes = [UInt8](repeating: 0, count: 160)
            var decoded = [Int16](repeating: 0, count: 160)
            var encodedCount = 0
            var decodedCount = 0
            do {
                var codeSpan = codes.mutableSpan
                encodedCount = try G711.encode(law, pcm.span, into: &codeSpan)
            }
            do {
                var pcmSpan = decoded.mutableSpan
                decodedCount = try G711.decode(law, codes.span, into: &pcmSpan)
            }
            #expect(encodedCount == 160 && decodedCount == 160)
            for i in 0..<160 {
                let one = law == .muLaw ? G711.encodeMuLaw(pcm[i]) : G711.encodeALaw(pcm[i])
                #expect(codes[i] == one)
                #expect(decoded[i] == (law == .muLaw ? G711.decodeMuLaw(one) : G711.decodeALaw(one)))
            }
            var short = [UInt8](repeating: 0, count: 159)
            var shortSpan = short.mutableSpan
            #expect(throws: CodecError(.outputTooSmall)) { try G711.encode(law, pcm.span, into: &shortSpan) }
        }
    }
}
