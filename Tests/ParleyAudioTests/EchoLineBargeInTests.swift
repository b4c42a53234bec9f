import Foundation
import Testing
import ParleyAudio

/// A caller who says "yes" over `offer` on a 6 dB echo line, as parleyd plays it: file by
/// file, each file starting with the bot's next 20 ms packet. When the caller's speech was
/// confirmed in the frame between two files (offer-a-1 had run out, "twenty" not started:
/// no prompt loaded), the barge-in never saw it and the rest of offer played over the
/// caller (the end-to-end echo-line test's intermittent miss: "yes" 1.5 s into offer lands
/// on offer-a-1's end at 1.62 s).
@Suite struct EchoLineBargeInTests {
    @Test(arguments: [1_460, 1_480, 1_500, 1_520, 1_540, 1_560, 1_580])
    func aYesAcrossTheEndOfAFileStillStopsThePrompt(intoOfferMs: Int) throws {
        let files = try PromptEchoLineTests.helloAndOffer()
        let offerStartMs = 200 + files[0..<3].map(\.samples.count).reduce(0, +) / 8
        var loop = PromptEchoLoop(files: files, delayMs: 140, erlDb: 6)
        loop.packetMs = 20
        loop.tailMs = 300
        loop.near = try PromptEchoLoop.load("../../sim/speech/yes.wav")
        loop.nearAtMs = offerStartMs + intoOfferMs
        let outcome = try loop.run()
        let stop = try #require(outcome.stops.first, "\"yes\" \(intoOfferMs) ms into offer did not stop it")
        #expect(stop.file >= 3 && stop.atMs >= loop.nearAtMs && stop.atMs <= loop.nearAtMs + 400,
                "stopped at \(stop.atMs) ms (file \(stop.file)), caller from \(loop.nearAtMs) ms")
    }
}
