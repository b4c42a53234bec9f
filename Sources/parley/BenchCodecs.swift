import Foundation
import ParleyCodecs

/// Codec and resampler figures for `parley bench core`: cost per 20 ms frame of the G.711
/// and Opus round trips and of 8→16 kHz resampling, resampler quality (SINAD on a 1 kHz
/// tone, SNR of an 8→16→8 kHz round trip of the espeak-ng speech fixture when
/// `Scripts/fixtures.sh` has made it), and `framePathStep`, one 20 ms frame of the
/// per-frame codec path on buffers allocated once, for the allocation count.
enum BenchCodecs {
    /// (name, value) pairs, names with units, in a stable order.
    static func figures() -> [(String, Double)] {
        let bench = FrameBench()
        var result: [(String, Double)] = []
        result.append(("g711_roundtrip_us_per_20ms", microsecondsPerCall(iterations: 200_000) { bench.g711RoundTrip() }))
        result.append(("opus_roundtrip_us_per_20ms", microsecondsPerCall(iterations: 2_000) { bench.opusRoundTrip() }))
        result.append(("resample_8k_16k_us_per_20ms", microsecondsPerCall(iterations: 20_000) { bench.resampleUp() }))
        for quality in [3, 8] {
            if let resampler = try? Resampler(inputRateHz: 8000, outputRateHz: 16000, quality: quality) {
                result.append(("resample_8k_16k_q\(quality)_us_per_20ms",
                               microsecondsPerCall(iterations: 20_000) { bench.resampleUp(with: resampler) }))
            }
        }
        result.append(("resample_16k_8k_us_per_20ms", microsecondsPerCall(iterations: 20_000) { bench.resampleDown() }))
        result.append(("resample_16k_48k_us_per_20ms", microsecondsPerCall(iterations: 10_000) { bench.resampleToFullband() }))
        result.append(("frame_path_us_per_20ms", microsecondsPerCall(iterations: 20_000) { framePathStep() }))
        result.append(("resample_quality", Double(Resampler.defaultQuality)))
        result.append(("resample_8k_16k_tone_sinad_db", bench.toneSINAD()))
        if let speech = speechFixture() {
            result.append(("resample_speech_8k_16k_8k_snr_db", bench.roundTripSNR(speech)))
        }
        return result
    }

    /// One 20 ms frame of the per-frame codec path, on buffers allocated on first use:
    /// decode a G.711 μ-law payload (inbound RTP), resample 8→16 kHz (to the listening
    /// pipeline), and μ-law encode an 8 kHz prompt frame (outbound RTP).
    static func framePathStep() {
        framePath.step()
    }

    private static let framePath = FramePath()

    /// Mean wall time per call in microseconds, after a warm-up of a tenth of the run.
    static func microsecondsPerCall(iterations: Int, _ body: () -> Void) -> Double {
        for _ in 0..<max(1, iterations / 10) { body() }
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<iterations { body() }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return seconds * 1e6 / Double(iterations)
    }

    /// The 8 kHz espeak-ng speech fixture (`$PARLEY_FIXTURES`, else `.data/fixtures` under
    /// the working directory), or nil when it has not been generated.
    static func speechFixture() -> [Int16]? {
        let root = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"]
            ?? FileManager.default.currentDirectoryPath + "/.data/fixtures"
        return try? PromptLoader(sampleRateHz: 8000).load(path: root + "/codecs/speech-8k.wav").samples
    }

    /// A speech-like test frame source: harmonics of 140 Hz under two formants.
    static func speechLike(sampleRateHz: Int, count: Int) -> [Int16] {
        let fs = Double(sampleRateHz)
        return (0..<count).map { n in
            let t = Double(n) / fs
            var value = 0.0
            for harmonic in 1...20 {
                let f = 140.0 * Double(harmonic)
                if f > fs / 2 - 200 { break }
                let gain = exp(-pow((f - 700) / 300, 2)) + 0.6 * exp(-pow((f - 1800) / 400, 2)) + 0.05
                value += gain * sin(2 * .pi * f * t + Double(harmonic))
            }
            return Int16(max(-32767, min(32767, 4000 * value)))
        }
    }
}

/// The per-frame path's state: codecs and buffers made once, reused every frame.
/// Used from one thread at a time (the benchmark's).
final class FramePath: @unchecked Sendable {
    let decoder: AudioDecoder
    let encoder: AudioEncoder
    let upsampler: Resampler
    let inboundPayload: [UInt8]
    let promptFrame: [Int16]
    var pcm8k = [Int16](repeating: 0, count: 160)
    var pcm16k = [Int16](repeating: 0, count: 320)
    var outboundPayload = [UInt8](repeating: 0, count: 160)
    var checksum = 0

    init() {
        do {
            decoder = try AudioDecoder(codec: .pcmu)
            encoder = try AudioEncoder(codec: .pcmu)
            upsampler = try Resampler(inputRateHz: 8000, outputRateHz: 16000)
        } catch {
            preconditionFailure("benchmark set-up: \(error)")
        }
        promptFrame = BenchCodecs.speechLike(sampleRateHz: 8000, count: 160)
        inboundPayload = promptFrame.map { G711.encodeMuLaw($0) }
    }

    func step() {
        do {
            let decoded = try decoder.decode(inboundPayload, into: &pcm8k)
            let resampled = try upsampler.process(pcm8k, into: &pcm16k)
            let encoded = try encoder.encode(promptFrame, into: &outboundPayload)
            checksum &+= decoded &+ resampled &+ encoded &+ Int(pcm16k[100])
        } catch {
            checksum &+= 1
        }
    }
}

/// Buffers and codecs for the individual timings and the quality figures.
final class FrameBench: @unchecked Sendable {
    let narrow = BenchCodecs.speechLike(sampleRateHz: 8000, count: 160)
    let wide = BenchCodecs.speechLike(sampleRateHz: 16000, count: 320)
    var payload = [UInt8](repeating: 0, count: 1275)
    var pcm8k = [Int16](repeating: 0, count: 160)
    var pcm16k = [Int16](repeating: 0, count: 320)
    var pcm48k = [Int16](repeating: 0, count: 960)
    let muLawEncoder: AudioEncoder
    let muLawDecoder: AudioDecoder
    let opusEncoder: AudioEncoder
    let opusDecoder: AudioDecoder
    let up: Resampler
    let down: Resampler
    let toFullband: Resampler
    var checksum = 0

    init() {
        do {
            muLawEncoder = try AudioEncoder(codec: .pcmu)
            muLawDecoder = try AudioDecoder(codec: .pcmu)
            let opus = OpusConfiguration(sampleRateHz: 16000, bitrateBps: 24000, complexity: 5)
            opusEncoder = try AudioEncoder(codec: .opus, opus: opus)
            opusDecoder = try AudioDecoder(codec: .opus, opus: opus)
            up = try Resampler(inputRateHz: 8000, outputRateHz: 16000)
            down = try Resampler(inputRateHz: 16000, outputRateHz: 8000)
            toFullband = try Resampler(inputRateHz: 16000, outputRateHz: 48000)
        } catch {
            preconditionFailure("benchmark set-up: \(error)")
        }
    }

    func g711RoundTrip() {
        do {
            let bytes = try muLawEncoder.encode(narrow, into: &payload)
            checksum &+= try muLawDecoder.decode(payload.span.extracting(0..<bytes), into: &pcm8k)
        } catch { checksum &+= 1 }
    }

    func opusRoundTrip() {
        do {
            let bytes = try opusEncoder.encode(wide, into: &payload)
            checksum &+= try opusDecoder.decode(payload.span.extracting(0..<bytes), into: &pcm16k)
        } catch { checksum &+= 1 }
    }

    func resampleUp() {
        do { checksum &+= try up.process(narrow, into: &pcm16k) } catch { checksum &+= 1 }
    }

    func resampleUp(with resampler: Resampler) {
        do { checksum &+= try resampler.process(narrow, into: &pcm16k) } catch { checksum &+= 1 }
    }

    func resampleDown() {
        do { checksum &+= try down.process(wide, into: &pcm8k) } catch { checksum &+= 1 }
    }

    func resampleToFullband() {
        do { checksum &+= try toFullband.process(wide, into: &pcm48k) } catch { checksum &+= 1 }
    }

    /// SINAD of a 1 kHz tone taken 8→16 kHz at the default quality (least-squares sine fit).
    func toneSINAD() -> Double {
        guard let resampler = try? Resampler(inputRateHz: 8000, outputRateHz: 16000) else { return .nan }
        let input = (0..<8000).map { Int16(16000 * sin(2 * .pi * 1000 * Double($0) / 8000)) }
        var output = [Int16](repeating: 0, count: 16001)
        guard let count = try? resampler.process(input, into: &output) else { return .nan }
        let w = 2 * Double.pi * 1000 / 16000
        var ss = 0.0, cc = 0.0, sc = 0.0, ys = 0.0, yc = 0.0
        let range = 1600..<count
        for n in range {
            let s = sin(w * Double(n)), c = cos(w * Double(n)), y = Double(output[n])
            ss += s * s; cc += c * c; sc += s * c; ys += y * s; yc += y * c
        }
        let det = ss * cc - sc * sc
        let a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det
        var signal = 0.0, residual = 0.0
        for n in range {
            let fit = a * sin(w * Double(n)) + b * cos(w * Double(n))
            signal += fit * fit
            residual += (Double(output[n]) - fit) * (Double(output[n]) - fit)
        }
        return 10 * log10(signal / max(residual, 1e-9))
    }

    /// SNR of an 8 kHz signal taken 8→16→8 kHz, aligned by the filters' latency.
    func roundTripSNR(_ input: [Int16]) -> Double {
        guard let upward = try? Resampler(inputRateHz: 8000, outputRateHz: 16000),
              let downward = try? Resampler(inputRateHz: 16000, outputRateHz: 8000) else { return .nan }
        var wideSignal = [Int16](repeating: 0, count: upward.outputCapacity(forInputCount: input.count))
        var back = [Int16](repeating: 0, count: input.count + 2)
        guard let wideCount = try? upward.process(input, into: &wideSignal),
              let backCount = try? downward.process(wideSignal.span.extracting(0..<wideCount), into: &back)
        else { return .nan }
        let lag = upward.inputLatencySamples + downward.outputLatencySamples
        var signal = 0.0, noise = 0.0
        for n in 800..<backCount where n - lag >= 0 {
            let r = Double(input[n - lag]), d = Double(back[n]) - r
            signal += r * r
            noise += d * d
        }
        return 10 * log10(signal / max(noise, 1e-9))
    }
}
