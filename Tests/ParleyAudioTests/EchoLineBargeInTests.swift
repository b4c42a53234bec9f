import Foundation
import Testing
import ParleyAudio

/// A caller who says "yes" over `offer` on a 6 dB echo line, as parleyd plays it: file by
/// file, back to back, each next file's plan handed to the pipeline with the 20 ms packet
/// that carries the end of the file before and its own start. Before the media engine
/// played the files without a gap, a file that ended mid-packet left a frame with no prompt
/// loaded; a caller whose speech was confirmed in that frame never reached the barge-in
/// and the rest of offer played over them (the end-to-end echo-line test's intermittent
/// miss: "yes" 1.5 s into offer lands on offer-a-1's end at 1.62 s).
@Suite struct EchoLineBargeInTests {
    @Test(arguments: [1_460, 1_480, 1_500, 1_520, 1_540, 1_560, 1_580])
    func aYesAcrossTheEndOfAFileStillStopsThePrompt(intoOfferMs: Int) throws {
        let files = try PromptEchoLineTests.helloAndOffer()
        let offerStartMs = PromptEchoLineTests.offerStartMs(files)
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

    /// The caller's speech is confirmed exactly in the frame where offer-a-1 runs out (the
    /// frame that also starts "twenty") and in the frame after it: the prompt stops either
    /// way, because the pipeline has a plan on every frame of the prompt. The sweep moves
    /// the caller 10 ms at a time and checks it hit both frames.
    @Test func anOnsetConfirmedAtTheBoundaryBetweenTwoFilesStopsThePrompt() throws {
        let all = try PromptEchoLineTests.helloAndOffer()
        let files = Array(all[3...])   // offer-a-1, twenty, offer-a-2: .immediate
        let leadMs = 200
        let endSample = leadMs * 8 + files[0].samples.count   // offer-a-1's end, "twenty" starts here
        let boundaryFrameMs = (endSample - 1) / 80 * 10       // the frame holding offer-a-1's last sample
        let yes = try PromptEchoLoop.load("../../sim/speech/yes.wav")
        // How long the pipeline takes to confirm "yes" with no prompt playing. On the echo
        // line it takes up to 40 ms longer (the floor there is the echo's, not the quiet
        // line's), so the sweep starts that much earlier.
        let calibrationAtMs = 500
        var quiet = PromptEchoLoop(files: [], delayMs: 140, erlDb: 6)
        quiet.near = yes
        quiet.nearAtMs = calibrationAtMs
        quiet.tailMs = 1_000
        var confirmedAtMs: Int?
        _ = try quiet.run { ms, _, pipeline in
            if confirmedAtMs == nil, pipeline.events.contains(where: { if case .speechStarted = $0 { true } else { false } }) {
                confirmedAtMs = ms
            }
        }
        let delay = try #require(confirmedAtMs, "\"yes\" alone was never confirmed as speech") - calibrationAtMs

        var hit: Set<Int> = []
        for shift in stride(from: -80, through: 60, by: 5) {
            var loop = PromptEchoLoop(files: files, delayMs: 140, erlDb: 6)
            loop.leadMs = leadMs
            loop.packetMs = 20
            loop.tailMs = 300
            loop.near = yes
            loop.nearAtMs = boundaryFrameMs - delay + shift
            var speechAtMs: Int?
            let outcome = try loop.run { ms, _, pipeline in
                if speechAtMs == nil, pipeline.events.contains(where: { if case .speechStarted = $0 { true } else { false } }) {
                    speechAtMs = ms
                }
            }
            let confirmed = try #require(speechAtMs, "caller at \(loop.nearAtMs) ms: no speech confirmed")
            hit.insert(confirmed - boundaryFrameMs)
            let stop = try #require(outcome.stops.first,
                                    "speech confirmed at \(confirmed) ms (boundary frame \(boundaryFrameMs) ms) did not stop the prompt")
            #expect(stop.atMs == confirmed, "speech confirmed at \(confirmed) ms, stopped at \(stop.atMs) ms")
        }
        #expect(hit.contains(0) && hit.contains(10),
                "the sweep confirmed speech at \(hit.sorted()) ms from the boundary frame, not in it and the next")
    }
}
