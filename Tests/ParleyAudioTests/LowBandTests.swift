import Foundation
import Testing
@testable import ParleyAudio

/// The low-band (< 1 kHz) speech test: the filter's response, the classifier's rule, and
/// what it changes on the labelled set.
@Suite struct LowBandTests {
    /// Mean-square ratio (dB) of `LowBandEnergy`'s output to its input over 1 s, after 100 ms
    /// of settling, fed in 10 ms frames like the pipeline.
    static func gainDb(sampleRate: Int, _ signal: (Int) -> Float) -> Float {
        var band = LowBandEnergy(sampleRate: sampleRate)
        let n = sampleRate / 100
        var frame = [Float](repeating: 0, count: n)
        var input: Float = 0
        var output: Float = 0
        for f in 0..<110 {
            var e: Float = 0
            for i in 0..<n {
                frame[i] = signal(f * n + i)
                e += frame[i] * frame[i]
            }
            let low = band.meanSquare(of: frame, count: n)
            if f >= 10 {
                input += e / Float(n)
                output += low
            }
        }
        return 10 * log10(output / input)
    }

    static func tone(_ hz: Double, rate: Int) -> (Int) -> Float {
        { Float(8000 * sin(2 * Double.pi * hz * Double($0) / Double(rate))) }
    }

    static func whiteNoise() -> (Int) -> Float {
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        return { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: seed >> 11) % 20_000 - 10_000)
        }
    }

    @Test(arguments: [8000, 16000]) func fourthOrderButterworthAt1kHz(rate: Int) {
        let pass = Self.gainDb(sampleRate: rate, Self.tone(300, rate: rate))
        let edge = Self.gainDb(sampleRate: rate, Self.tone(1000, rate: rate))
        let octave = Self.gainDb(sampleRate: rate, Self.tone(2000, rate: rate))
        let high = Self.gainDb(sampleRate: rate, Self.tone(3000, rate: rate))
        let noise = Self.gainDb(sampleRate: rate, Self.whiteNoise())
        print("low band \(rate) Hz: 300 Hz \(pass) dB, 1 kHz \(edge) dB, 2 kHz \(octave) dB, 3 kHz \(high) dB, white \(noise) dB")
        #expect(abs(pass) < 0.3)
        #expect(abs(edge + 3) < 0.5, "-3 dB at the cutoff")
        #expect(octave < -20)
        #expect(high < -30)
        // White noise: the band holds 1 kHz of the 4 (8) kHz spectrum, -6 (-9) dB.
        let expected = Float(10 * log10(1000 / (Double(rate) / 2)))
        #expect(abs(noise - expected) < 1, "white noise \(noise) dB, band share \(expected) dB")
    }

    static func energy(dbfs: Float) -> Float { 1073741824 * pow(10, dbfs / 10) }

    /// Steady noise for a second, then one frame whose low band rises 13 dB while the
    /// broadband energy rises only 4 dB (not enough for the broadband test).
    @Test func lowBandRiseAloneIsVoiced() {
        func run(_ configuration: SpeechFrameClassifier.Configuration, echoExpected: Bool,
                 expectedResidualEcho: Float) -> SpeechFrameClassifier.Verdict {
            var classifier = SpeechFrameClassifier(configuration: configuration)
            func frame(broadband: Float, low: Float) -> SpeechFrameClassifier.Verdict {
                let e = Self.energy(dbfs: broadband)
                return classifier.classify(
                    captureEnergy: e, cleanedDbfs: broadband - 20, apmVoice: false, echoExpected: echoExpected,
                    echoCorrelation: echoExpected ? 0.1 : nil, maxPlayedEnergy: 0, expectedEchoEnergy: e,
                    residualEnergy: e, expectedResidualEcho: expectedResidualEcho,
                    lowBandEnergy: Self.energy(dbfs: low))
            }
            for _ in 0..<100 { #expect(frame(broadband: -40, low: -46) == .silence) }
            return frame(broadband: -36, low: -33)
        }
        var on = SpeechFrameClassifier.Configuration()
        var off = on
        off.lowBandOverFloorDb = .infinity
        #expect(run(on, echoExpected: false, expectedResidualEcho: 0) == .voiced)
        #expect(run(off, echoExpected: false, expectedResidualEcho: 0) == .silence)
        // While the prompt may echo: voiced only over all the residual echo there could be.
        #expect(run(on, echoExpected: true, expectedResidualEcho: Self.energy(dbfs: -45)) == .voiced)
        #expect(run(on, echoExpected: true, expectedResidualEcho: Self.energy(dbfs: -38)) == .silence)
        on.lowBandOverFloorDb = 14
        #expect(run(on, echoExpected: false, expectedResidualEcho: 0) == .silence)
    }

    /// A caller over white noise (10 dB SNR) and a 6 dB-ERL echo: the broadband energy alone
    /// confirms the onset late; the low band confirms it within the spec.
    @Test func lowBandHearsTheCallerSoonerInWhiteNoise() throws {
        let labels = try AudioFixtures.labels()
        let clip = try #require(labels.clips.first { $0.name == "barge_white10_d160_erl6" })
        let onset = try #require(clip.onsetMs)
        var off = ListeningConfiguration()
        off.frameClassifier.lowBandOverFloorDb = .infinity
        let withBand = try ClipRun.run(clip.name, prompt: TestSetTests.plan(.immediate))
        let without = try ClipRun.run(clip.name, configuration: off, prompt: TestSetTests.plan(.immediate))
        let fast = try #require(withBand.stops.first).atMs - onset
        let slow = try #require(without.stops.first).atMs - onset
        print("audio-set \(clip.name): barge-in delay \(fast) ms with the low band, \(slow) ms without")
        #expect(fast >= 0 && fast <= 60)
        #expect(slow > 100)
    }
}
