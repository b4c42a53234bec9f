import Foundation
import Testing
@testable import ParleyAudio

/// A caller on a line with no echo and no noise (digital silence between words: a muted
/// handset, a softphone's noise suppression, the simulator's plain line) who says "yes
/// please" over `offer`, quieter than the prompt. Three things went wrong there:
/// - the noise floor started at the caller's first sound, so the rest of the word was
///   barely over it;
/// - with no echo there is no echo delay to find, and the gate for an unknown delay asked
///   the caller to beat half the loudest frame played in the echo window: a caller 6 dB
///   under the prompt was not heard over its loud parts (13 of the 21 placements below),
///   and where it was heard, only ~100 ms after its onset;
/// - after a barge-in stopped the prompt, the same gate held back the caller's next frames
///   for the echo window: "yes", a pause, "please", two turns, neither understood. The
///   end-to-end barge-in test failed this way under load (4 of 12 calls).
@Suite struct QuietLineUtteranceTests {
    /// Mean-square energy of a frame at `dbfs`.
    static func db(_ dbfs: Float) -> Float { 1_073_741_824 * pow(10, dbfs / 10) }

    /// The classifier alone, no prompt: digital silence, then a word rising from −31 dBFS to
    /// −17 dBFS. Every frame from −29 dBFS up is speech: the floor is not the word's first frame.
    @Test func aFirstSoundAfterDigitalSilenceIsNotTheFloor() {
        var classifier = SpeechFrameClassifier()
        func verdict(_ dbfs: Float?) -> SpeechFrameClassifier.Verdict {
            let energy = dbfs.map(Self.db) ?? 0
            return classifier.classify(captureEnergy: energy, cleanedDbfs: dbfs ?? -100, apmVoice: false,
                                       echoExpected: false, echoCorrelation: nil, maxPlayedEnergy: 0,
                                       expectedEchoEnergy: 0, residualEnergy: energy, expectedResidualEcho: 0)
        }
        for _ in 0..<50 { #expect(verdict(nil) == .silence) }
        let word: [Float] = [-31, -29, -28, -29, -29, -28, -27, -23, -21, -20, -18, -17, -17, -17, -18, -22, -26, -30]
        let verdicts = word.map(verdict)
        #expect(verdicts.dropFirst().allSatisfy { $0 == .voiced }, "\(zip(word, verdicts).map { "\($0.0): \($0.1)" })")
        #expect(classifier.noiseFloorDb <= -49, "floor \(classifier.noiseFloorDb) dBFS")
    }

    /// A line that starts with noise keeps the noise for its floor: noise is not speech.
    @Test func aLineThatStartsWithNoiseTakesItForTheFloor() {
        var classifier = SpeechFrameClassifier()
        let noise = Self.db(-40)
        for _ in 0..<100 {
            #expect(classifier.classify(captureEnergy: noise, cleanedDbfs: -40, apmVoice: false, echoExpected: false,
                                        echoCorrelation: nil, maxPlayedEnergy: 0, expectedEchoEnergy: 0,
                                        residualEnergy: noise, expectedResidualEcho: 0) == .silence)
        }
        #expect(abs(classifier.noiseFloorDb + 40) < 0.5, "floor \(classifier.noiseFloorDb) dBFS")
    }

    /// The whole pipeline, as parleyd plays `hello` and `offer` file by file: "yes please"
    /// from 1.3 s to 2.3 s into offer is heard from its first 40 ms, as one stretch of speech.
    @Test func yesPleaseOverThePromptIsOneUtterance() throws {
        let files = try PromptEchoLineTests.helloAndOffer()
        let offerStartMs = PromptEchoLineTests.offerStartMs(files)
        let near = try PromptEchoLoop.load("../../sim/speech/yes-please.wav")
        var split: [String] = []
        var unheard: [Int] = []
        var late: [String] = []
        for intoOfferMs in stride(from: 1_300, through: 2_300, by: 50) {
            var loop = PromptEchoLoop(files: files, delayMs: 0, erlDb: 300)
            loop.packetMs = 20
            loop.tailMs = 1_200
            loop.near = near
            loop.nearAtMs = offerStartMs + intoOfferMs
            let from = loop.nearAtMs, to = loop.nearAtMs + near.count / 8 + 400
            var events: [String] = []
            _ = try loop.run { ms, _, pipeline in
                guard ms >= from - 100, ms < to else { return }
                for event in pipeline.events {
                    switch event {
                    case let .speechStarted(onsetMs, _): events.append("start@\(onsetMs - from)")
                    case let .speechStopped(endMs, _): events.append("stop@\(endMs - from)")
                    default: break
                    }
                }
            }
            // Heard: one start, one stop after "please" (its last loud frame is 700 ms into the clip).
            let stops = events.filter { $0.hasPrefix("stop") }
            let lastStopMs = stops.last.flatMap { Int($0.dropFirst(5)) } ?? -1
            if events.isEmpty {
                unheard.append(intoOfferMs)
            } else if events.filter({ $0.hasPrefix("start") }).count != 1 || stops.count != 1 || lastStopMs < 600 {
                split.append("\(intoOfferMs) ms into offer: \(events)")
            } else if let onsetMs = events.first.flatMap({ Int($0.dropFirst(6)) }), onsetMs > 40 {
                // The clip's first 10 ms are already at −31 dBFS.
                late.append("\(intoOfferMs) ms into offer: onset \(onsetMs) ms into the clip")
            }
        }
        #expect(late.isEmpty, "speech found late:\n\(late.joined(separator: "\n"))")
        #expect(split.isEmpty, "\(split.count) of 21 placements cut the utterance:\n\(split.joined(separator: "\n"))")
        #expect(unheard.isEmpty, "not heard over the prompt at \(unheard) ms into offer")
    }
}
