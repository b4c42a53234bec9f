import Foundation
import ParleyAudio
import Testing

/// The simulated callers' speech (examples/sim/speech) never reads as an in-band DTMF digit.
/// With tones allowed to carry only 0.6 of the energy, "can you repeat that" started a 5 and
/// "no" a 1 (talk-off), and parleyd answered the digit instead of the words.
@Suite struct CallerSpeechTalkOffTests {
    static func digits(in samples: [Int16]) -> String {
        var detector = DTMFToneDetector(format: .narrowband)
        var digits = ""
        var frame = [Int16](repeating: 0, count: 80)
        var offset = 0
        while offset + 80 <= samples.count {
            for i in 0..<80 { frame[i] = samples[offset + i] }
            for event in detector.process(frame, atMs: offset / 8) {
                if case let .digitStarted(digit, _) = event { digits.append(digit) }
            }
            offset += 80
        }
        return digits
    }

    @Test func noCallerUtteranceIsHeardAsADigit() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TestPaths.repo + "/examples/sim/speech")
            .filter { $0.hasSuffix(".wav") }.sorted()
        #expect(files.count >= 16)
        for file in files {
            // As parleyd hears it: over μ-law, after a stretch of line silence.
            let samples = muLaw([Int16](repeating: 0, count: 4800) + (try pcm(TestPaths.speech(file))))
            #expect(Self.digits(in: samples).isEmpty, "\(file) read as DTMF \(Self.digits(in: samples))")
        }
    }

    @Test func aRealToneIsStillADigit() throws {
        // 60 ms of 5 (770 + 1336 Hz, -10/-8 dBFS per tone) over μ-law, between silences.
        var samples = [Int16](repeating: 0, count: 800)
        for n in 0..<480 {
            let t = Double(n) / 8000
            let value = 32767 * (0.316 * sin(2 * .pi * 770 * t) + 0.398 * sin(2 * .pi * 1336 * t))
            samples.append(Int16(value))
        }
        samples += [Int16](repeating: 0, count: 800)
        #expect(Self.digits(in: muLaw(samples)) == "5")
    }
}
