import Foundation
import Testing
@testable import ParleySpeech

@Suite struct EmotionEstimatorTests {
    let estimator = EmotionEstimator()

    @Test(arguments: [
        ("Stop calling me, this is ridiculous!", EmotionEstimator.Emotion.angry),
        ("别再打了，烦死了", .angry),
        ("thank you, that's great", .positive),
        ("谢谢，太好了", .positive),
        ("unfortunately I'm not happy with it", .negative),
        ("我很失望", .negative),
        ("what time is it", .neutral),
        ("明天下午三点", .neutral),
    ])
    func textCues(text: String, expected: EmotionEstimator.Emotion) {
        #expect(estimator.estimate(text).emotion == expected)
    }

    @Test func highArousalTurnsNegativeIntoAnger() {
        let text = "this is a terrible problem"
        #expect(estimator.estimate(text).emotion == .negative)
        let loud = EmotionEstimator.AcousticCues(loudness: 0.95, pitchVariation: 0.9)
        #expect(estimator.estimate(text, acoustic: loud).emotion == .angry)
    }

    @Test func wordCuesMatchWholeWordsOnly() {
        #expect(!EmotionEstimator.contains("the hello world", "hell"))
        #expect(EmotionEstimator.contains("what the hell", "hell"))
    }
}

@Suite struct FakeRecognizerTests {
    @Test func scriptedTranscriptArrivesAfterEndOfSpeech() async throws {
        let fake = FakeRecognizer(replies: [
            .transcript(partials: ["how", "how much"],
                        final: RecognitionResult(text: "how much is it", confidence: 0.9, isFinal: true)),
        ])
        let session = try fake.startUtterance(RecognitionHints())
        #expect(session.push([Int16](repeating: 100, count: 160)) == 160)
        session.endOfSpeech()
        let (partials, event) = try await terminal(of: session, timeoutMs: 5_000)
        #expect(partials.map(\.text) == ["how", "how much"])
        #expect(event == .final(RecognitionResult(text: "how much is it", confidence: 0.9, isFinal: true)))
        #expect(fake.utterancesStarted == 1)
    }

    @Test func failureBecomesAsrErrorAndRefusalThrows() async throws {
        let fake = FakeRecognizer(replies: [.failure(SpeechError(.timeout, "engine")), .refuse(SpeechError(.poolExhausted))])
        let session = try fake.startUtterance(RecognitionHints())
        session.endOfSpeech()
        let (_, event) = try await terminal(of: session, timeoutMs: 5_000)
        #expect(event.eventName == "asr_error")
        #expect(throws: SpeechError(.poolExhausted)) { try fake.startUtterance(RecognitionHints()) }
    }

    @Test func cancelFinishesTheStreamWithoutAFinal() async {
        let fake = FakeRecognizer(replies: [FakeRecognizer.final("yes")])
        let session = try! fake.startUtterance(RecognitionHints())
        session.cancel()
        let (_, terminal) = await session.terminalEvent()
        #expect(terminal == nil)
        #expect(session.push([1, 2, 3]) == 0)
    }
}

@Suite struct SampleRingTests {
    @Test func fullRingDropsAndCounts() {
        let ring = SampleRing(capacity: 8)
        #expect(ring.write([1, 2, 3, 4, 5, 6].span) == 6)
        #expect(ring.write([7, 8, 9, 10].span) == 2)
        #expect(ring.droppedSamples.load(ordering: .relaxed) == 2)
        var buffer = [Int16](repeating: 0, count: 5)
        #expect(ring.read(into: &buffer) == 5)
        #expect(buffer == [1, 2, 3, 4, 5])
        #expect(ring.write([11, 12, 13].span) == 3)
        var rest = [Int16](repeating: 0, count: 16)
        #expect(ring.read(into: &rest) == 6)
        #expect(Array(rest[0..<6]) == [6, 7, 8, 11, 12, 13])
    }

    @Test func upsamplerInterpolatesAcrossCalls() {
        var upsampler = Upsampler2x()
        var out = [Int16](repeating: 0, count: 4)
        upsampler.process([100, 200], count: 2, into: &out)
        #expect(out == [50, 100, 150, 200])
        upsampler.process([0, 0], count: 2, into: &out)
        #expect(out == [100, 0, 0, 0])
    }
}
