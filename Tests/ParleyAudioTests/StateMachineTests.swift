import Testing
import ParleyAudio

/// Event-sequence tests for the pure state machines, driven with a manual clock.
@Suite struct VoiceActivityDetectorTests {
    func frames(_ pattern: String, from startMs: Int = 0, into vad: inout VoiceActivityDetector) -> [VoiceActivityDetector.Action] {
        var out: [VoiceActivityDetector.Action] = []
        for (i, c) in pattern.enumerated() {
            out += vad.handle(.frame(voiced: c == "x", atMs: startMs + i * 10, durationMs: 10))
        }
        return out
    }

    @Test func startsAfterStartMsAndStopsAfterStopMs() {
        var vad = VoiceActivityDetector(configuration: .init(startMs: 30, startGapMs: 10, stopMs: 50))
        #expect(frames("..xx", into: &vad).isEmpty)
        #expect(vad.state == .starting(onsetMs: 20, voicedMs: 20, gapMs: 0))
        #expect(frames("x", from: 40, into: &vad) == [.speechStarted(onsetMs: 20, confirmedAtMs: 50)])
        #expect(frames("xx...", from: 50, into: &vad).isEmpty)
        #expect(vad.state == .stopping(onsetMs: 20, lastVoicedEndMs: 70))
        #expect(frames("..", from: 100, into: &vad) == [.speechStopped(onsetMs: 20, endMs: 70, decidedAtMs: 120)])
        #expect(vad.state == .quiet)
    }

    @Test func shortBurstsAndGapsDoNotStart() {
        var vad = VoiceActivityDetector(configuration: .init(startMs: 30, startGapMs: 10, stopMs: 50))
        #expect(frames("xx..xx..x.x.", into: &vad).isEmpty)
        #expect(!vad.isSpeaking)
    }

    @Test func pauseShorterThanStopMsKeepsSpeaking() {
        var vad = VoiceActivityDetector(configuration: .init(startMs: 30, startGapMs: 10, stopMs: 50))
        let actions = frames("xxxx....xxxx", into: &vad)
        #expect(actions == [.speechStarted(onsetMs: 0, confirmedAtMs: 30)])
        #expect(vad.state == .speaking(onsetMs: 0))
    }
}

@Suite struct BargeInControllerTests {
    static func plan(_ policy: BargeInPolicy, locked: [Range<Int>] = []) throws -> PromptPlan {
        try PromptPlan(lengthMs: 10_000, policy: policy, cuePointsMs: [0, 2000, 4000], lockedSegmentsMs: locked)
    }

    @Test func immediateStopsInTheSameTickThenReports() throws {
        var c = BargeInController()
        _ = c.handle(.promptStarted(try Self.plan(.immediate), atMs: 0))
        let a = c.handle(.speechStarted(onsetMs: 2970, atMs: 3000, positionMs: 3000))
        #expect(Array(a) == [.stopPlayback(atMs: 3000, positionMs: 3000),
                             .report(.bargeIn(atMs: 3000, onsetMs: 2970, positionMs: 3000, trigger: .speechOnset))])
    }

    @Test func offNeverStopsAndReportsIgnored() throws {
        var c = BargeInController()
        _ = c.handle(.promptStarted(try Self.plan(.off), atMs: 0))
        #expect(c.handle(.speechStarted(onsetMs: 100, atMs: 130, positionMs: 130)).isEmpty)
        for t in stride(from: 140, to: 3000, by: 10) { #expect(c.handle(.tick(atMs: t, positionMs: t, speaking: true)).isEmpty) }
        #expect(Array(c.handle(.speechStopped(endMs: 3000, atMs: 3250))) == [.report(.ignored(atMs: 3250, onsetMs: 100, reason: .policyOff))])
    }

    @Test func confirmedBySpeechTime() throws {
        var c = BargeInController()
        _ = c.handle(.promptStarted(try Self.plan(.confirmed(minSpeechMs: 500, minWords: nil)), atMs: 0))
        _ = c.handle(.speechStarted(onsetMs: 1000, atMs: 1030, positionMs: 1030))
        #expect(c.handle(.tick(atMs: 1490, positionMs: 1490, speaking: true)).isEmpty)
        // The stop hangover does not count as speech.
        #expect(c.handle(.tick(atMs: 1500, positionMs: 1500, speaking: false)).isEmpty)
        let a = c.handle(.tick(atMs: 1510, positionMs: 1510, speaking: true))
        #expect(a.first == .stopPlayback(atMs: 1510, positionMs: 1510))
    }

    @Test func confirmedByWordsActsOnTheNextTick() throws {
        var c = BargeInController()
        _ = c.handle(.promptStarted(try Self.plan(.confirmed(minSpeechMs: nil, minWords: 2)), atMs: 0))
        _ = c.handle(.speechStarted(onsetMs: 1000, atMs: 1030, positionMs: 1030))
        #expect(c.handle(.words(count: 1, atMs: 1200)).isEmpty)
        #expect(c.handle(.tick(atMs: 1210, positionMs: 1210, speaking: true)).isEmpty)
        #expect(c.handle(.words(count: 2, atMs: 1300)).isEmpty)
        let a = c.handle(.tick(atMs: 1310, positionMs: 1310, speaking: true))
        #expect(Array(a) == [.stopPlayback(atMs: 1310, positionMs: 1310),
                             .report(.bargeIn(atMs: 1310, onsetMs: 1000, positionMs: 1310, trigger: .words))])
    }

    @Test func lockedSegmentDefersTheStopToItsEnd() throws {
        var c = BargeInController()
        _ = c.handle(.promptStarted(try Self.plan(.immediate, locked: [1000..<2500]), atMs: 0))
        #expect(c.handle(.speechStarted(onsetMs: 1500, atMs: 1530, positionMs: 1530)).isEmpty)
        #expect(c.handle(.tick(atMs: 2490, positionMs: 2490, speaking: true)).isEmpty)
        let a = c.handle(.tick(atMs: 2500, positionMs: 2500, speaking: true))
        #expect(a.first == .stopPlayback(atMs: 2500, positionMs: 2500))
        #expect(a.last == .report(.bargeIn(atMs: 2500, onsetMs: 1500, positionMs: 2500, trigger: .lockedSegmentEnded)))
    }

    @Test func speechEndingInsideALockedSegmentIsIgnored() throws {
        var c = BargeInController()
        _ = c.handle(.promptStarted(try Self.plan(.immediate, locked: [1000..<2500]), atMs: 0))
        _ = c.handle(.speechStarted(onsetMs: 1100, atMs: 1130, positionMs: 1130))
        let a = c.handle(.speechStopped(endMs: 1500, atMs: 1750))
        #expect(Array(a) == [.report(.ignored(atMs: 1750, onsetMs: 1100, reason: .lockedSegment))])
        #expect(c.handle(.tick(atMs: 2600, positionMs: 2600, speaking: false)).isEmpty)
    }

    @Test func falseBargeInResumesFromTheLastCuePoint() throws {
        var c = BargeInController(configuration: .init(falseBargeInWindowMs: 700, wordsGraceMs: 300))
        _ = c.handle(.promptStarted(try Self.plan(.immediate), atMs: 0))
        _ = c.handle(.speechStarted(onsetMs: 3000, atMs: 3030, positionMs: 3030))
        #expect(c.handle(.speechStopped(endMs: 3400, atMs: 3650)).isEmpty)
        #expect(c.handle(.tick(atMs: 3940, positionMs: 3030, speaking: false)).isEmpty)
        let a = c.handle(.tick(atMs: 3950, positionMs: 3030, speaking: false))
        #expect(Array(a) == [.resumePlayback(atMs: 3950, fromPositionMs: 2000),
                             .report(.falseBargeIn(atMs: 3950, resumeFromMs: 2000))])
        #expect(c.state == .playing)
    }

    @Test func wordsDuringTheGraceMakeItReal() throws {
        var c = BargeInController()
        _ = c.handle(.promptStarted(try Self.plan(.immediate), atMs: 0))
        _ = c.handle(.speechStarted(onsetMs: 3000, atMs: 3030, positionMs: 3030))
        _ = c.handle(.speechStopped(endMs: 3400, atMs: 3650))
        _ = c.handle(.words(count: 1, atMs: 3700))
        #expect(c.handle(.tick(atMs: 4000, positionMs: 3030, speaking: false)).isEmpty)
        #expect(c.state == .interrupted)
    }

    @Test func longSpeechIsARealInterruption() throws {
        var c = BargeInController()
        _ = c.handle(.promptStarted(try Self.plan(.immediate), atMs: 0))
        _ = c.handle(.speechStarted(onsetMs: 3000, atMs: 3030, positionMs: 3030))
        _ = c.handle(.tick(atMs: 3710, positionMs: 3030, speaking: true))
        #expect(c.state == .interrupted)
    }

    @Test func planLimitsAreEnforced() {
        #expect(throws: AudioError.self) {
            _ = try PromptPlan(lengthMs: 1, policy: .off, cuePointsMs: Array(0..<17))
        }
    }
}

@Suite struct EndpointerTests {
    @Test func endOfTurnAfterSilence() {
        var e = Endpointer(configuration: .init(silenceMs: 800))
        _ = e.handle(.listen(atMs: 0, mode: .normal))
        _ = e.handle(.speechStarted(onsetMs: 500, atMs: 530))
        _ = e.handle(.speechStopped(endMs: 1500, atMs: 1750))
        #expect(e.handle(.tick(atMs: 2290)).isEmpty)
        #expect(Array(e.handle(.tick(atMs: 2300))) == [.endOfTurn(atMs: 2300, speechEndMs: 1500, reason: .silence)])
    }

    @Test func finalResultShortensAndIncompleteLengthens() {
        var e = Endpointer(configuration: .init(silenceMs: 800, incompleteSilenceMs: 1500, afterFinalSilenceMs: 300))
        _ = e.handle(.speechStarted(onsetMs: 0, atMs: 30))
        _ = e.handle(.partial(.incomplete, atMs: 900))
        _ = e.handle(.speechStopped(endMs: 1000, atMs: 1250))
        #expect(e.handle(.tick(atMs: 2000)).isEmpty)  // 1000 ms of silence < 1500
        #expect(Array(e.handle(.finalResult(atMs: 2010))) == [.endOfTurn(atMs: 2010, speechEndMs: 1000, reason: .finalResult)])
    }

    /// parleyd's settings: 250 ms for a complete answer, 300 ms after the final. A final
    /// that comes in 100 ms into the silence does not hold the turn past 250 ms.
    @Test func aFinalResultNeverLengthensTheSilence() {
        var e = Endpointer(configuration: .init(silenceMs: 250, incompleteSilenceMs: 800, afterFinalSilenceMs: 300))
        _ = e.handle(.listen(atMs: 0, mode: .normal))
        _ = e.handle(.speechStarted(onsetMs: 500, atMs: 530))
        _ = e.handle(.speechStopped(endMs: 1000, atMs: 1050))
        #expect(e.handle(.finalResult(atMs: 1100)).isEmpty)
        #expect(e.requiredSilenceMs == 250)
        #expect(e.handle(.tick(atMs: 1240)).isEmpty)
        #expect(Array(e.handle(.tick(atMs: 1250))) == [.endOfTurn(atMs: 1250, speechEndMs: 1000, reason: .finalResult)])
    }

    @Test func digitsNeedLongerSilence() {
        var e = Endpointer(configuration: .init(silenceMs: 800, digitSilenceMs: 2500))
        _ = e.handle(.listen(atMs: 0, mode: .digits))
        _ = e.handle(.speechStarted(onsetMs: 100, atMs: 130))
        _ = e.handle(.speechStopped(endMs: 500, atMs: 750))
        #expect(e.handle(.tick(atMs: 2000)).isEmpty)
        _ = e.handle(.speechStarted(onsetMs: 2100, atMs: 2130))
        _ = e.handle(.speechStopped(endMs: 2500, atMs: 2750))
        #expect(e.handle(.tick(atMs: 4990)).isEmpty)
        #expect(e.handle(.tick(atMs: 5000)).count == 1)
    }

    @Test func noInputAndMaxTurn() {
        var e = Endpointer(configuration: .init(noInputMs: 5000, maxTurnMs: 3000))
        _ = e.handle(.listen(atMs: 1000, mode: .normal))
        #expect(e.handle(.tick(atMs: 5990)).isEmpty)
        #expect(Array(e.handle(.tick(atMs: 6000))) == [.noInput(atMs: 6000)])
        _ = e.handle(.speechStarted(onsetMs: 7000, atMs: 7030))
        #expect(Array(e.handle(.tick(atMs: 10000))) == [.endOfTurn(atMs: 10000, speechEndMs: 10000, reason: .maxTurnLength)])
    }

    @Test func partialHints() {
        #expect(PartialHint.classify("my number is oh one six four") == .digits)
        #expect(PartialHint.classify("0 1 6 4 5") == .digits)
        #expect(PartialHint.classify("I want to pay and") == .incomplete)
        #expect(PartialHint.classify("I want to pay") == .complete)
        #expect(PartialHint.classify("") == .complete)
        #expect(PartialHint.meaningfulWordCount("uh-huh ok") == 0)
        #expect(PartialHint.meaningfulWordCount("ok wait stop") == 2)
    }
}

@Suite struct FixedListTests {
    @Test func appendInsertAndOverflow() {
        var list = FixedList<Int>()
        for i in 0..<10 { list.append(i) }
        #expect(Array(list) == Array(0..<8))
        #expect(list.dropped == 2)
        var small = FixedList<Int>()
        small.append(2)
        small.append(3)
        small.insert(1, at: 0)
        #expect(Array(small) == [1, 2, 3])
    }
}

@Suite struct DTMFDeduplicatorTests {
    @Test func sameKeypressFromTwoSourcesCountsOnce() {
        var d = DTMFDeduplicator(windowMs: 600)
        #expect(Array(d.handle(.digit("5", source: .rfc4733, atMs: 1000))) == [.accept("5", source: .rfc4733, atMs: 1000)])
        #expect(Array(d.handle(.digit("5", source: .inBand, atMs: 1030))) == [.duplicate("5", source: .inBand, atMs: 1030)])
        #expect(Array(d.handle(.digit("5", source: .sipInfo, atMs: 1400))) == [.duplicate("5", source: .sipInfo, atMs: 1400)])
        #expect(Array(d.handle(.digit("5", source: .sipInfo, atMs: 1700))) == [.accept("5", source: .sipInfo, atMs: 1700)])
    }

    @Test func joinsRFC4733AndINFOPressByPress() {
        var d = DTMFDeduplicator(windowMs: 1000)
        var delivered: [Character] = []
        let input: [(Character, DTMFDeduplicator.Source, Int)] = [
            ("1", .rfc4733, 0), ("1", .sipInfo, 150),      // same press both ways → once
            ("1", .rfc4733, 400), ("1", .sipInfo, 500),    // second press of the same key → once more
            ("2", .sipInfo, 2000), ("2", .rfc4733, 2100),  // INFO first
            ("3", .rfc4733, 3000), ("3", .sipInfo, 4500),  // outside the window → both
            ("4", .rfc4733, 6000), ("4", .rfc4733, 6100),  // same source twice → both
        ]
        for (digit, source, at) in input {
            for case .accept(let accepted, _, _) in Array(d.handle(.digit(digit, source: source, atMs: at))) {
                delivered.append(accepted)
            }
        }
        #expect(delivered == ["1", "1", "2", "3", "3", "4", "4"])
    }

    @Test func repeatsFromOneSourceAndLateDigitsPass() {
        var d = DTMFDeduplicator(windowMs: 600)
        _ = d.handle(.digit("5", source: .inBand, atMs: 1000))
        #expect(Array(d.handle(.digit("5", source: .inBand, atMs: 1200))) == [.accept("5", source: .inBand, atMs: 1200)])
        #expect(Array(d.handle(.digit("5", source: .rfc4733, atMs: 2500))) == [.accept("5", source: .rfc4733, atMs: 2500)])
        #expect(Array(d.handle(.digit("6", source: .sipInfo, atMs: 2510))) == [.accept("6", source: .sipInfo, atMs: 2510)])
    }
}
