import Testing
@testable import ParleyCodecs

/// Runs `input` through `resampler` in chunks of `chunk` samples (a 20 ms frame on the
/// media path) and returns everything written.
func resampleStreaming(_ input: [Int16], _ resampler: Resampler, chunk: Int) throws -> [Int16] {
    var output: [Int16] = []
    var buffer = [Int16](repeating: 0, count: resampler.outputCapacity(forInputCount: chunk))
    var start = 0
    while start < input.count {
        let piece = Array(input[start..<min(start + chunk, input.count)])
        var span = buffer.mutableSpan
        let written = try resampler.process(piece.span, into: &span)
        output.append(contentsOf: buffer[0..<written])
        start += chunk
    }
    return output
}

@Suite("Resampler over libspeexdsp")
struct ResamplerTests {
    @Test("1 kHz tone, 20 ms frames, quality 5: SINAD 86–90 dB on every pair, the 16-bit floor (floor 75 dB)",
          arguments: [(8000, 16000), (16000, 8000), (16000, 48000), (48000, 16000), (8000, 48000), (48000, 8000)])
    func toneSINAD(rates: (Int, Int)) throws {
        let (inRate, outRate) = rates
        let resampler = try Resampler(inputRateHz: inRate, outputRateHz: outRate, quality: 5)
        let input = TestSignals.tone(hz: 1000, sampleRateHz: inRate, count: inRate, amplitude: 16000)
        let output = try resampleStreaming(input, resampler, chunk: inRate / 50)
        #expect(output.count == outRate)
        let sinad = TestSignals.toneSINAD(output, hz: 1000, sampleRateHz: outRate, range: outRate / 10..<output.count)
        print("resampler \(inRate)→\(outRate) q5 1 kHz SINAD \(sinad) dB")
        #expect(sinad >= 75)
    }

    @Test("quality trades cost for SINAD on 8→16 kHz: q0 ≈ 61, q3 ≈ 88, q5/q8/q10 ≈ 87 dB (floors 50/75/75/75/75 dB)")
    func qualityLevels() throws {
        let floors = [0: 50.0, 3: 75.0, 5: 75.0, 8: 75.0, 10: 75.0]
        var measured: [Int: Double] = [:]
        for (quality, floor) in floors.sorted(by: { $0.key < $1.key }) {
            let resampler = try Resampler(inputRateHz: 8000, outputRateHz: 16000, quality: quality)
            let input = TestSignals.tone(hz: 1000, sampleRateHz: 8000, count: 8000, amplitude: 16000)
            let output = try resampleStreaming(input, resampler, chunk: 160)
            let sinad = TestSignals.toneSINAD(output, hz: 1000, sampleRateHz: 16000, range: 1600..<output.count)
            measured[quality] = sinad
            print("resampler 8→16 q\(quality) 1 kHz SINAD \(sinad) dB")
            #expect(sinad >= floor, "quality \(quality)")
        }
        #expect(measured[0]! < measured[5]!)
    }

    // Speech round trips measure the whole band, not just the passband: a narrowband
    // fixture carries energy up to 4 kHz and each filter rolls off just below Nyquist, so
    // the figure is set by how much of the 3.5–4 kHz band a quality level keeps.
    @Test("espeak-ng speech 8→16→8 kHz round trip: SNR q3 ≈ 23, q5 ≈ 27, q8 ≈ 38, q10 ≈ 55 dB (floors 20/24/34/50 dB)",
          arguments: [(3, 20.0), (5, 24.0), (8, 34.0), (10, 50.0)])
    func speechRoundTripNarrowband(quality: Int, floor: Double) throws {
        let speech = try TestSignals.speechFixture("speech-8k.wav")
        #expect(speech.sampleRateHz == 8000)
        let up = try Resampler(inputRateHz: 8000, outputRateHz: 16000, quality: quality)
        let down = try Resampler(inputRateHz: 16000, outputRateHz: 8000, quality: quality)
        let wide = try resampleStreaming(speech.samples, up, chunk: 160)
        #expect(wide.count == speech.samples.count * 2)
        let back = try resampleStreaming(wide, down, chunk: 320)
        let best = TestSignals.bestSNR(reference: speech.samples, test: back, lags: 0...300, range: 800..<back.count)
        print("resampler speech 8→16→8 q\(quality): SNR \(best.snrDB) dB at lag \(best.lag)")
        // The lag that lines the round trip up is the two filters' latencies.
        #expect(best.lag == up.inputLatencySamples + down.outputLatencySamples)
        #expect(best.snrDB >= floor)
    }

    @Test("espeak-ng speech 16→48→16 kHz round trip, quality 5: SNR ≈ 36 dB (floor 32 dB)")
    func speechRoundTripWideband() throws {
        let speech = try TestSignals.speechFixture("speech-16k.wav")
        let up = try Resampler(inputRateHz: 16000, outputRateHz: 48000, quality: 5)
        let down = try Resampler(inputRateHz: 48000, outputRateHz: 16000, quality: 5)
        let full = try resampleStreaming(speech.samples, up, chunk: 320)
        #expect(full.count == speech.samples.count * 3)
        let back = try resampleStreaming(full, down, chunk: 960)
        let best = TestSignals.bestSNR(reference: speech.samples, test: back, lags: 0...300, range: 1600..<back.count)
        print("resampler speech 16→48→16 q5: SNR \(best.snrDB) dB at lag \(best.lag)")
        #expect(best.snrDB >= 32)
    }

    @Test("streaming in 20 ms frames gives the same samples as one call, with exact frame counts")
    func streamingMatchesOneShot() throws {
        let input = TestSignals.speechLike(sampleRateHz: 8000, count: 8000)
        let whole = try Resampler(inputRateHz: 8000, outputRateHz: 16000)
        var all = [Int16](repeating: 0, count: whole.outputCapacity(forInputCount: input.count))
        var span = all.mutableSpan
        let written = try whole.process(input.span, into: &span)
        #expect(written == 16000)
        let framed = try Resampler(inputRateHz: 8000, outputRateHz: 16000)
        var frame = [Int16](repeating: 0, count: 320)
        var joined: [Int16] = []
        for start in stride(from: 0, to: input.count, by: 160) {
            let piece = Array(input[start..<start + 160])
            var out = frame.mutableSpan
            #expect(try framed.process(piece.span, into: &out) == 320)
            joined.append(contentsOf: frame)
        }
        #expect(joined == Array(all[0..<written]))
    }

    @Test("reset clears history: the same input after reset gives the same output")
    func resetClearsHistory() throws {
        let resampler = try Resampler(inputRateHz: 16000, outputRateHz: 8000)
        let input = TestSignals.speechLike(sampleRateHz: 16000, count: 320)
        let first = try resampleStreaming(input, resampler, chunk: 320)
        let second = try resampleStreaming(input, resampler, chunk: 320)
        resampler.reset()
        let third = try resampleStreaming(input, resampler, chunk: 320)
        #expect(first == third)
        #expect(first != second)
    }

    @Test("bad rates, bad quality and a too-small output are errors with a code")
    func errors() throws {
        #expect(throws: CodecError(.unsupportedSampleRate)) { try Resampler(inputRateHz: 0, outputRateHz: 16000) }
        #expect(throws: CodecError(.invalidConfiguration)) { try Resampler(inputRateHz: 8000, outputRateHz: 16000, quality: 11) }
        let resampler = try Resampler(inputRateHz: 8000, outputRateHz: 16000)
        let input = [Int16](repeating: 100, count: 160)
        var small = [Int16](repeating: 0, count: 100)
        var span = small.mutableSpan
        #expect(throws: CodecError(.outputTooSmall)) { try resampler.process(input.span, into: &span) }
    }
}
