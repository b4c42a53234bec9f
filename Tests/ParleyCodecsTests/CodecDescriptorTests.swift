import Testing
@testable import ParleyCodecs

@Suite("Codec descriptor and enum-dispatched encoder/decoder")
struct CodecDescriptorTests {
    @Test("RFC 3551 / RFC 7587 facts: clock rates, payload types, names, frame arithmetic")
    func descriptor() {
        #expect(Codec.pcmu.staticPayloadType == 0)
        #expect(Codec.pcma.staticPayloadType == 8)
        #expect(Codec.opus.staticPayloadType == nil)
        #expect(Codec.opus.defaultPayloadType >= 96 && Codec.opus.defaultPayloadType <= 127)
        #expect(Codec.pcmu.rtpClockRateHz == 8000 && Codec.opus.rtpClockRateHz == 48000)
        #expect(Codec.opus.sdpChannelCount == 2 && Codec.pcma.sdpChannelCount == 1)
        #expect(Codec.pcmu.samplesPerFrame(ptimeMs: 20) == 160)
        #expect(Codec.pcma.samplesPerFrame(ptimeMs: 30) == 240)
        #expect(Codec.opus.rtpTimestampIncrement(ptimeMs: 20) == 960)
        #expect(Codec.pcmu.rtpTimestampIncrement(ptimeMs: 20) == 160)
        #expect(Codec(encodingName: "PCMU") == .pcmu && Codec(encodingName: "OPUS") == .opus)
        #expect(Codec(encodingName: "G722") == nil)
        #expect(PCMFormat.wideband.samplesPerFrame(ptimeMs: 20) == 320)
        #expect(PCMFormat.narrowband.durationMs(sampleCount: 160) == 20)
        #expect(OpusConfiguration(sampleRateHz: 16000).rtpTimestampIncrement == 960)
    }

    @Test("G.711 through AudioEncoder/AudioDecoder equals the per-sample functions", arguments: [Codec.pcmu, .pcma])
    func g711Dispatch(codec: Codec) throws {
        let encoder = try AudioEncoder(codec: codec)
        let decoder = try AudioDecoder(codec: codec)
        #expect(encoder.samplesPerFrame == 160 && decoder.samplesPerFrame == 160 && encoder.maxPayloadBytes == 160)
        #expect(!decoder.supportsFEC)
        let pcm = TestSignals.speechLike(sampleRateHz: 8000, count: 160)
        var payload = [UInt8](repeating: 0, count: encoder.maxPayloadBytes)
        #expect(try encoder.encode(pcm, into: &payload) == 160)
        var decoded = [Int16](repeating: 0, count: 160)
        #expect(try decoder.decode(payload, into: &decoded) == 160)
        for i in 0..<160 {
            let code = codec == .pcmu ? G711.encodeMuLaw(pcm[i]) : G711.encodeALaw(pcm[i])
            #expect(payload[i] == code)
            #expect(decoded[i] == (codec == .pcmu ? G711.decodeMuLaw(code) : G711.decodeALaw(code)))
        }
        // Encoding after a 12-byte RTP header leaves the header alone.
        var packet = [UInt8](repeating: 0xEE, count: 12 + 160)
        #expect(try encoder.encode(pcm, into: &packet, at: 12) == 160)
        #expect(packet[0..<12].allSatisfy { $0 == 0xEE })
        #expect(Array(packet[12...]) == payload)
        var tooShort = [UInt8](repeating: 0, count: 12 + 159)
        #expect(throws: CodecError(.outputTooSmall)) { try encoder.encode(pcm, into: &tooShort, at: 12) }
        var lost = [Int16](repeating: 99, count: 160)
        #expect(try decoder.decodeLoss(into: &lost) == 160)
        #expect(lost.allSatisfy { $0 == 0 })
        var fec = [Int16](repeating: 0, count: 160)
        var fecSpan = fec.mutableSpan
        #expect(throws: CodecError(.unsupportedOperation)) { try decoder.decodeFEC(from: payload.span, into: &fecSpan) }
    }

    @Test("Opus through AudioEncoder/AudioDecoder: frame sizes follow ptime and rate; FEC and PLC reachable")
    func opusDispatch() throws {
        let opus = OpusConfiguration(sampleRateHz: 16000, bitrateBps: 24000)
        let encoder = try AudioEncoder(codec: .opus, ptimeMs: 20, opus: opus)
        let decoder = try AudioDecoder(codec: .opus, ptimeMs: 20, opus: opus)
        #expect(encoder.sampleRateHz == 16000 && encoder.samplesPerFrame == 320 && decoder.supportsFEC)
        let pcm = TestSignals.speechLike(sampleRateHz: 16000, count: 320 * 10)
        var payload = [UInt8](repeating: 0, count: encoder.maxPayloadBytes)
        var frame = [Int16](repeating: 0, count: 320)
        for start in stride(from: 0, to: pcm.count, by: 320) {
            let bytes = try encoder.encode(Array(pcm[start..<start + 320]), into: &payload)
            #expect(bytes > 0 && bytes <= 1275)
            #expect(try decoder.decode(payload.span.extracting(0..<bytes), into: &frame) == 320)
        }
        #expect(try decoder.decodeLoss(into: &frame) == 320)
        // Encoding after a 12-byte RTP header gives the same bytes as encoding alone.
        let twin = try AudioEncoder(codec: .opus, ptimeMs: 20, opus: opus)
        let single = try AudioEncoder(codec: .opus, ptimeMs: 20, opus: opus)
        var packet = [UInt8](repeating: 0xEE, count: 12 + 1275)
        var alone = [UInt8](repeating: 0, count: 1275)
        let firstFrame = Array(pcm[0..<320])
        let inPacket = try twin.encode(firstFrame, into: &packet, at: 12)
        let standalone = try single.encode(firstFrame, into: &alone)
        #expect(inPacket == standalone)
        #expect(packet[0..<12].allSatisfy { $0 == 0xEE })
        #expect(Array(packet[12..<12 + inPacket]) == Array(alone[0..<standalone]))
        let shortFrame = [Int16](repeating: 0, count: 160)
        #expect(throws: CodecError(.wrongFrameSize)) { try encoder.encode(shortFrame, into: &payload) }
        #expect(throws: CodecError(.invalidConfiguration)) { try AudioEncoder(codec: .pcmu, ptimeMs: 0) }
    }
}
