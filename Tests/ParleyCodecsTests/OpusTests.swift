import Testing
@testable import ParleyCodecs

/// Encodes `pcm` frame by frame and returns the packets.
func opusPackets(_ pcm: [Int16], encoder: OpusEncoder) throws -> [[UInt8]] {
    let frame = encoder.samplesPerFrame
    var packets: [[UInt8]] = []
    var buffer = [UInt8](repeating: 0, count: OpusConfiguration.maxPacketBytes)
    var start = 0
    while start + frame <= pcm.count {
        let slice = Array(pcm[start..<start + frame])
        var output = buffer.mutableSpan
        let count = try encoder.encode(slice.span, into: &output)
        packets.append(Array(buffer[0..<count]))
        start += frame
    }
    return packets
}

/// Decodes `packets` in order; a nil packet is a loss, concealed (or recovered by FEC
/// from the following packet when `useFEC`).
func opusDecode(_ packets: [[UInt8]?], decoder: OpusDecoder, useFEC: Bool = false) throws -> [Int16] {
    var out: [Int16] = []
    var frame = [Int16](repeating: 0, count: decoder.samplesPerFrame)
    for (index, packet) in packets.enumerated() {
        var pcm = frame.mutableSpan
        let count: Int
        if let packet {
            count = try decoder.decode(packet.span, into: &pcm)
        } else if useFEC, index + 1 < packets.count, let next = packets[index + 1] {
            count = try decoder.decodeFEC(from: next.span, into: &pcm)
        } else {
            count = try decoder.decodeLoss(into: &pcm)
        }
        out.append(contentsOf: frame[0..<count])
    }
    _ = frame
    return out
}

@Suite("Opus over libopus")
struct OpusTests {
    /// Round trip at 16 kHz, output aligned by the encoder's lookahead (104 samples, 6.5 ms).
    /// Returns the SNR in dB over everything after the first 200 ms.
    static func roundTripSNR(_ input: [Int16], _ config: OpusConfiguration) throws -> Double {
        let encoder = try OpusEncoder(config)
        let output = try opusDecode(try opusPackets(input, encoder: encoder), decoder: try OpusDecoder(config))
        #expect(output.count == input.count / config.samplesPerFrame * config.samplesPerFrame)
        #expect(encoder.lookaheadSamples > 0 && encoder.lookaheadSamples < config.samplesPerFrame)
        // The lookahead is the lag that lines output up with input: no other lag does better.
        let best = TestSignals.bestSNR(reference: input, test: output, lags: 0...200, range: 3200..<output.count)
        #expect(best.lag == encoder.lookaheadSamples)
        return TestSignals.snr(reference: input, test: output, lag: encoder.lookaheadSamples, range: 3200..<output.count)
    }

    // Waveform SNR is a harsh measure for a perceptual codec: the SILK (voip) mode shapes
    // its noise under the speech spectrum and tops out near 17 dB on speech whatever the
    // bitrate; the CELT (audio) mode follows the waveform and passes 20 dB from ~32 kbps.

    @Test("16 kHz, 1 kHz tone, voip mode, 32 kbps: SINAD ≈ 36 dB (floor 20 dB)")
    func roundTripTone() throws {
        // A tone repeats every 16 samples, so no lag search can confirm alignment; a
        // least-squares sine fit measures noise plus distortion whatever the delay.
        let config = OpusConfiguration(sampleRateHz: 16000, bitrateBps: 32000, complexity: 10)
        let input = TestSignals.tone(hz: 1000, sampleRateHz: 16000, count: 32000)
        let output = try opusDecode(try opusPackets(input, encoder: try OpusEncoder(config)), decoder: try OpusDecoder(config))
        let sinad = TestSignals.toneSINAD(output, hz: 1000, sampleRateHz: 16000, range: 3200..<output.count)
        print("opus 16k tone voip 32k: SINAD \(sinad) dB")
        #expect(sinad >= 20)
    }

    @Test("16 kHz, speech-like signal, audio mode, 48 kbps: SNR ≈ 26 dB (floor 20 dB)")
    func roundTripSpeechLikeAudioMode() throws {
        let input = TestSignals.speechLike(sampleRateHz: 16000, count: 32000)
        let config = OpusConfiguration(sampleRateHz: 16000, bitrateBps: 48000, complexity: 10, application: .audio)
        let snr = try Self.roundTripSNR(input, config)
        print("opus 16k speech-like audio 48k: SNR \(snr) dB")
        #expect(snr >= 20)
    }

    @Test("16 kHz, speech-like signal, voip mode, 32 kbps: SNR ≈ 16 dB (floor 13 dB)")
    func roundTripSpeechLikeVoipMode() throws {
        let input = TestSignals.speechLike(sampleRateHz: 16000, count: 32000)
        let snr = try Self.roundTripSNR(input, OpusConfiguration(sampleRateHz: 16000, bitrateBps: 32000, complexity: 10))
        print("opus 16k speech-like voip 32k: SNR \(snr) dB")
        #expect(snr >= 13)
    }

    @Test("16 kHz, espeak-ng speech, audio mode, 64 kbps: SNR ≈ 23.6 dB (floor 20 dB); voip 32 kbps ≈ 11 dB (floor 9 dB)")
    func roundTripSpeech() throws {
        let speech = try TestSignals.speechFixture("speech-16k.wav")
        #expect(speech.sampleRateHz == 16000)
        let audio = try Self.roundTripSNR(
            speech.samples, OpusConfiguration(sampleRateHz: 16000, bitrateBps: 64000, complexity: 10, application: .audio))
        let voip = try Self.roundTripSNR(
            speech.samples, OpusConfiguration(sampleRateHz: 16000, bitrateBps: 32000, complexity: 10))
        print("opus 16k espeak speech: audio 64k SNR \(audio) dB, voip 32k SNR \(voip) dB")
        #expect(audio >= 20)
        #expect(voip >= 9)
    }

    @Test("8, 16 and 48 kHz: 20 ms frames encode and decode to the right length; 1 kHz tone survives", arguments: [8000, 16000, 48000])
    func allRates(sampleRateHz: Int) throws {
        let config = OpusConfiguration(sampleRateHz: sampleRateHz, bitrateBps: 32000)
        let encoder = try OpusEncoder(config)
        let decoder = try OpusDecoder(config)
        #expect(encoder.samplesPerFrame == sampleRateHz / 50)
        let input = TestSignals.tone(hz: 1000, sampleRateHz: sampleRateHz, count: sampleRateHz)
        let packets = try opusPackets(input, encoder: encoder)
        #expect(packets.count == 50)
        #expect(packets.allSatisfy { !$0.isEmpty && $0.count <= OpusConfiguration.maxPacketBytes })
        let output = try opusDecode(packets, decoder: decoder)
        #expect(output.count == input.count)
        let sinad = TestSignals.toneSINAD(output, hz: 1000, sampleRateHz: sampleRateHz,
                                          range: sampleRateHz / 5..<output.count)
        print("opus \(sampleRateHz) Hz 1 kHz tone SINAD \(sinad) dB")
        #expect(sinad >= 15)
    }

    @Test("packet-loss concealment produces one frame of the right length")
    func concealment() throws {
        for rate in [8000, 16000, 48000] {
            let config = OpusConfiguration(sampleRateHz: rate)
            let decoder = try OpusDecoder(config)
            var frame = [Int16](repeating: 0, count: config.samplesPerFrame * 2)
            var pcm = frame.mutableSpan
            #expect(try decoder.decodeLoss(into: &pcm) == rate / 50)
        }
    }

    @Test("in-band FEC rebuilds a lost frame from the next packet far better than concealment")
    func forwardErrorCorrection() throws {
        let config = OpusConfiguration(sampleRateHz: 16000, bitrateBps: 32000, complexity: 10,
                                       inbandFEC: true, expectedPacketLossPercent: 20)
        let encoder = try OpusEncoder(config)
        let input = TestSignals.speechLike(sampleRateHz: 16000, count: 16000)
        let packets = try opusPackets(input, encoder: encoder)
        let lost = 25
        var withLoss: [[UInt8]?] = packets
        withLoss[lost] = nil

        let clean = try opusDecode(packets, decoder: try OpusDecoder(config))
        let fec = try opusDecode(withLoss, decoder: try OpusDecoder(config), useFEC: true)
        let plc = try opusDecode(withLoss, decoder: try OpusDecoder(config), useFEC: false)
        #expect(fec.count == clean.count && plc.count == clean.count)

        let frame = config.samplesPerFrame
        let lostRange = lost * frame..<(lost + 1) * frame
        let fecSNR = TestSignals.snr(reference: clean, test: fec, lag: 0, range: lostRange)
        let plcSNR = TestSignals.snr(reference: clean, test: plc, lag: 0, range: lostRange)
        print("opus FEC: lost frame SNR vs clean decode: FEC \(fecSNR) dB, PLC \(plcSNR) dB")
        #expect(fecSNR >= 10)
        #expect(fecSNR >= plcSNR + 5)
    }

    @Test("configuration and input errors are reported with their code")
    func errors() throws {
        #expect(throws: CodecError(.unsupportedSampleRate)) { try OpusEncoder(OpusConfiguration(sampleRateHz: 44100)) }
        #expect(throws: CodecError(.invalidConfiguration)) { try OpusEncoder(OpusConfiguration(frameDurationMs: 15)) }
        #expect(throws: CodecError(.invalidConfiguration)) { try OpusDecoder(OpusConfiguration(bitrateBps: 1000)) }
        let encoder = try OpusEncoder(OpusConfiguration())
        let short = [Int16](repeating: 0, count: 100)
        var packet = [UInt8](repeating: 0, count: 1275)
        var output = packet.mutableSpan
        #expect(throws: CodecError(.wrongFrameSize)) { try encoder.encode(short.span, into: &output) }
        let decoder = try OpusDecoder(OpusConfiguration())
        var frame = [Int16](repeating: 0, count: 320)
        var pcm = frame.mutableSpan
        let empty: [UInt8] = []
        #expect(throws: CodecError(.invalidPacket)) { try decoder.decode(empty.span, into: &pcm) }
        // TOC code 3 (arbitrary frame count) with a frame count of zero is malformed.
        let malformed: [UInt8] = [0x03, 0x00]
        #expect(throws: CodecError.self) { try decoder.decode(malformed.span, into: &pcm) }
    }

    @Test("random bytes as packets never crash the decoder: each is rejected with a code or decodes to at most 120 ms")
    func randomPackets() throws {
        let decoder = try OpusDecoder(OpusConfiguration(sampleRateHz: 16000))
        var frame = [Int16](repeating: 0, count: 16000 * 120 / 1000)
        var generator = SplitMix64(seed: 0x5EED)
        var rejected = 0
        var decoded = 0
        for _ in 0..<2000 {
            let length = Int(generator.next() % 1275) + 1
            let packet = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            var pcm = frame.mutableSpan
            do {
                let count = try decoder.decode(packet.span, into: &pcm)
                #expect(count > 0 && count <= frame.count)
                decoded += 1
            } catch {
                #expect(error.code == .invalidPacket || error.code == .outputTooSmall)
                rejected += 1
            }
        }
        print("opus random packets: \(decoded) decoded, \(rejected) rejected")
        #expect(decoded + rejected == 2000 && rejected > 0)
        // After garbage, a real packet still decodes.
        let encoder = try OpusEncoder(OpusConfiguration(sampleRateHz: 16000))
        let good = try opusPackets(TestSignals.tone(hz: 440, sampleRateHz: 16000, count: 320), encoder: encoder)[0]
        var pcm = frame.mutableSpan
        #expect(try decoder.decode(good.span, into: &pcm) == 320)
    }
}

/// A small deterministic generator, so a failure reproduces.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
