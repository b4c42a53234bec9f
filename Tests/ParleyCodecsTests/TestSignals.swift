import Foundation
import Testing

/// Signals, measurements and fixture access shared by the codec tests.
enum TestSignals {
    /// A sine tone as 16-bit PCM.
    static func tone(hz: Double, sampleRateHz: Int, count: Int, amplitude: Double = 10000, phase: Double = 0) -> [Int16] {
        (0..<count).map { n in
            Int16(amplitude * sin(2 * .pi * hz * Double(n) / Double(sampleRateHz) + phase))
        }
    }

    /// A speech-like test signal: a 140 Hz glottal-ish harmonic series shaped by two
    /// formants, with a slow syllable-rate envelope.
    static func speechLike(sampleRateHz: Int, count: Int) -> [Int16] {
        let fs = Double(sampleRateHz)
        return (0..<count).map { n in
            let t = Double(n) / fs
            var value = 0.0
            for harmonic in 1...20 {
                let f = 140.0 * Double(harmonic)
                if f > fs / 2 - 200 { break }
                let formant = exp(-pow((f - 700) / 300, 2)) + 0.6 * exp(-pow((f - 1800) / 400, 2)) + 0.05
                value += formant * sin(2 * .pi * f * t + Double(harmonic))
            }
            let envelope = 0.55 + 0.45 * sin(2 * .pi * 3.0 * t)
            return Int16(max(-32767, min(32767, 4000 * envelope * value)))
        }
    }

    /// SNR in dB of `test` against `reference` after delaying the reference by `lag`
    /// samples, over `range` of the test signal.
    static func snr(reference: [Int16], test: [Int16], lag: Int, range: Range<Int>) -> Double {
        var signal = 0.0
        var noise = 0.0
        for n in range where n - lag >= 0 && n - lag < reference.count && n < test.count {
            let r = Double(reference[n - lag])
            let d = Double(test[n]) - r
            signal += r * r
            noise += d * d
        }
        return 10 * log10(signal / max(noise, 1e-9))
    }

    /// The best SNR over lags `lags`, with the lag that gave it.
    static func bestSNR(reference: [Int16], test: [Int16], lags: ClosedRange<Int>, range: Range<Int>) -> (snrDB: Double, lag: Int) {
        var best = (snrDB: -Double.infinity, lag: 0)
        for lag in lags {
            let value = snr(reference: reference, test: test, lag: lag, range: range)
            if value > best.snrDB { best = (value, lag) }
        }
        return best
    }

    /// Signal-to-noise-and-distortion of a pure tone: least-squares fit of
    /// a·sin + b·cos + c at `hz` over `range`, SNR = fitted power / residual power.
    /// Independent of the delay a filter adds.
    static func toneSINAD(_ samples: [Int16], hz: Double, sampleRateHz: Int, range: Range<Int>) -> Double {
        let w = 2 * .pi * hz / Double(sampleRateHz)
        var ss = 0.0, cc = 0.0, sc = 0.0, ys = 0.0, yc = 0.0, sum = 0.0
        for n in range {
            let s = sin(w * Double(n)), c = cos(w * Double(n)), y = Double(samples[n])
            ss += s * s; cc += c * c; sc += s * c; ys += y * s; yc += y * c; sum += y
        }
        let det = ss * cc - sc * sc
        let a = (ys * cc - yc * sc) / det
        let b = (yc * ss - ys * sc) / det
        let mean = sum / Double(range.count)
        var signal = 0.0, residual = 0.0
        for n in range {
            let fit = a * sin(w * Double(n)) + b * cos(w * Double(n))
            let y = Double(samples[n]) - mean
            signal += fit * fit
            residual += (y - fit) * (y - fit)
        }
        return 10 * log10(signal / max(residual, 1e-9))
    }

    /// Directory of generated fixtures: `$PARLEY_FIXTURES`, else `<repo>/.data/fixtures`.
    static var fixturesDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".data/fixtures")
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads a 16-bit PCM mono WAV fixture with a small RIFF parser of its own (so the
    /// tests do not depend on the prompt loader they also test). Throws a clear error
    /// telling how to generate the fixture when it is missing.
    static func speechFixture(_ name: String) throws -> (samples: [Int16], sampleRateHz: Int) {
        let url = fixturesDirectory.appendingPathComponent("codecs").appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else {
            throw FixtureMissing(description: "fixture \(url.path) is missing: run Scripts/fixtures.sh (needs espeak-ng and sox)")
        }
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard bytes.count > 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46] else {
            throw FixtureMissing(description: "fixture \(url.path) is not a RIFF file: regenerate with Scripts/fixtures.sh")
        }
        var offset = 12
        var rate = 0
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard u16(body) == 1, u16(body + 2) == 1, u16(body + 14) == 16 else {
                    throw FixtureMissing(description: "fixture \(url.path) is not 16-bit PCM mono")
                }
                rate = u32(body + 4)
            } else if id == "data" {
                let end = min(bytes.count, body + size)
                let samples = stride(from: body, to: end - 1, by: 2).map { Int16(bitPattern: UInt16(u16($0))) }
                return (samples, rate)
            }
            offset = body + size + (size & 1)
        }
        throw FixtureMissing(description: "fixture \(url.path) has no data chunk")
    }
}
