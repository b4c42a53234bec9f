import Foundation
import Testing
import ParleyAudio

/// A silent caller whose line returns nothing for the first seconds of the prompt, then the
/// prompt's echo at 6 dB echo return loss (a caller switching to speakerphone mid-call). No
/// echo delay is known when the echo appears, and the gate for an unknown delay had learned
/// from the quiet line that it returns nothing: it asked the caller to beat 1 % of the
/// loudest frame played, and the echo, at a quarter of it, was taken for the caller and
/// stopped the prompt. No speech may start while the caller is silent.
@Suite struct EchoAppearsMidCallTests {
    @Test(arguments: [100, 180])
    func echoThatAppearsMidPromptIsNotSpeech(delayMs: Int) throws {
        let files = try PromptEchoLineTests.helloAndOffer()
        var failures: [String] = []
        // The prompt starts at 200 ms; the echo appears 2 s, 3.5 s and 6 s into it.
        for echoFromMs in [2_200, 3_700, 6_200] {
            for snr in [nil, 20.0] as [Double?] {
                var loop = PromptEchoLoop(files: files, delayMs: delayMs, erlDb: 6)
                loop.echoFromMs = echoFromMs
                loop.babbleSnrDb = snr
                loop.packetMs = 20
                var starts: [Int] = []
                let outcome = try loop.run { _, _, pipeline in
                    for case let .speechStarted(onsetMs, _) in pipeline.events { starts.append(onsetMs) }
                }
                if !starts.isEmpty || !outcome.stops.isEmpty {
                    failures.append("echo from \(echoFromMs) ms, babble \(snr.map { "\($0) dB" } ?? "off"): "
                                    + "speech started at \(starts) ms, stops at \(outcome.stops.map(\.atMs)) ms")
                }
            }
        }
        #expect(failures.isEmpty, "delay \(delayMs) ms:\n\(failures.joined(separator: "\n"))")
    }

    /// The same line, and a caller who speaks 1.5 s into offer after the echo appeared: the
    /// caller still stops the prompt.
    @Test func aCallerStillBargesInAfterTheEchoAppeared() throws {
        let files = try PromptEchoLineTests.helloAndOffer()
        let offerStartMs = PromptEchoLineTests.offerStartMs(files)
        var loop = PromptEchoLoop(files: files, delayMs: 100, erlDb: 6)
        loop.echoFromMs = 2_200
        loop.packetMs = 20
        loop.near = try PromptEchoLoop.load("../../sim/speech/no-thanks.wav")
        loop.nearAtMs = offerStartMs + 1_500
        let outcome = try loop.run()
        let stop = try #require(outcome.stops.first, "the caller did not stop the prompt")
        #expect(stop.atMs >= loop.nearAtMs && stop.atMs <= loop.nearAtMs + 300,
                "stopped at \(stop.atMs) ms, caller from \(loop.nearAtMs) ms")
    }
}
