import Testing
@testable import ParleySim

/// A bot whose sender stalls leaves a hole in a prompt and then goes on from where it was
/// (measured against parleyd on a loaded machine: holes of 140–410 ms, pacing error up to
/// 410 ms, with no barge-in in parleyd's records). That is not a stop: the prompt plays
/// to its end. A prompt that really stops, or restarts from an earlier point, still ends
/// interrupted, dated at its last sound.
@Suite struct PromptDropoutTests {
    static let leadMs = 300

    func prompt() throws -> [Int16] { muLaw(try Demo.render("offer_silence")) }

    @Test(arguments: [140, 250, 410])
    func aHoleInAPromptIsNotAStop(holeMs: Int) throws {
        let audio = try prompt()
        let cut = 1_600 * 8
        let signal = silence(ms: Self.leadMs) + Array(audio[..<cut]) + silence(ms: holeMs) + Array(audio[cut...])
            + silence(ms: 1_500)
        let events = recognize(signal)
        let starts = events.compactMap(\.start), ends = events.compactMap(\.end)
        #expect(starts.map(\.prompt) == ["offer_silence"], "\(events)")
        #expect(ends.count == 1 && ends.first?.interrupted == false, "\(events)")
        let endMs = Self.leadMs + audio.count / 8 + holeMs
        #expect(abs((ends.first?.endMs ?? 0) - endMs) <= 120, "end \(ends.first?.endMs ?? -1), played to \(endMs)")
    }

    @Test func aStoppedPromptEndsInterruptedAtItsLastSound() throws {
        let audio = try prompt()
        let cutMs = 1_600
        let events = recognize(silence(ms: Self.leadMs) + Array(audio[..<(cutMs * 8)]) + silence(ms: 2_000))
        let end = try #require(events.compactMap(\.end).first, "\(events)")
        #expect(end.interrupted)
        #expect(abs(end.endMs - (Self.leadMs + cutMs)) <= 60, "end \(end.endMs)")
    }

    /// A false barge-in in the bot: stopped, then played again from its start (its last cue).
    @Test func aPromptPlayedAgainFromItsStartIsAStopAndANewStart() throws {
        let audio = try prompt()
        let cutMs = 1_600
        let events = recognize(silence(ms: Self.leadMs) + Array(audio[..<(cutMs * 8)]) + silence(ms: 300) + audio
            + silence(ms: 1_500))
        let ends = events.compactMap(\.end)
        #expect(events.compactMap(\.start).map(\.prompt) == ["offer_silence", "offer_silence"], "\(events)")
        #expect(ends.map(\.interrupted) == [true, false], "\(events)")
        #expect(abs((ends.first?.endMs ?? 0) - (Self.leadMs + cutMs)) <= 60, "\(events)")
    }
}
