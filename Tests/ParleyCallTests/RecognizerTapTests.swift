@testable import ParleyCall
import ParleyMedia
@testable import ParleySpeech
import Testing

/// The pre-roll: the last `prerollMs` of the caller's audio before an utterance starts,
/// handed to the recognizer in order when a session attaches.
@Suite struct RecognizerTapTests {
    /// 80-sample frames (10 ms at 8 kHz) whose samples count up from `first`.
    static func frame(from first: Int) -> RecognizerFrame {
        var frame = RecognizerFrame()
        frame.sampleCount = 80
        for i in 0..<80 { frame.samples[i] = Int16(truncatingIfNeeded: first + i) }
        return frame
    }

    static func attachedAudio(_ tap: RecognizerTap) -> [Int16] {
        let session = RecognitionSession(hints: RecognitionHints(sampleRateHz: 8000), ringCapacitySamples: 8000)
        tap.attach(session)
        var buffer = [Int16](repeating: 0, count: 8000)
        let count = session.ring.read(into: &buffer)
        return Array(buffer.prefix(count))
    }

    @Test(arguments: [0, 3, 7, 31])
    func thePrerollKeepsTheLastSamplesInOrderAcrossWraps(frames: Int) {
        // 25 ms at 8 kHz: 200 samples, not a multiple of the 80-sample frame.
        let tap = RecognizerTap(prerollMs: 25, sampleRateHz: 8000)
        for n in 0..<frames { tap.feed(Self.frame(from: n * 80)) }
        let total = frames * 80
        let expected = (max(0, total - 200)..<total).map { Int16(truncatingIfNeeded: $0) }
        #expect(Self.attachedAudio(tap) == expected)
    }

    @Test func aNewTurnStartsThePrerollAfresh() {
        let tap = RecognizerTap(prerollMs: 25, sampleRateHz: 8000)
        for n in 0..<5 { tap.feed(Self.frame(from: n * 80)) }
        tap.arm()
        tap.feed(Self.frame(from: 1000))
        #expect(Self.attachedAudio(tap) == (1000..<1080).map { Int16($0) })
    }

    /// Silent frames (the pump's frames of digital silence) are kept as zeros among the
    /// others, in order, across the ring's wrap.
    @Test(arguments: [4, 9, 30])
    func silentFramesAreKeptAsZerosInOrder(frames: Int) {
        let tap = RecognizerTap(prerollMs: 25, sampleRateHz: 8000)
        var expected: [Int16] = []
        for n in 0..<frames {
            var frame = Self.frame(from: n * 80 + 1)
            if n % 3 == 1 {
                frame.isSilent = true
                for i in 0..<80 { frame.samples[i] = 0 }
            }
            expected += (0..<80).map { frame.samples[$0] }
            tap.feed(frame)
        }
        #expect(Self.attachedAudio(tap) == Array(expected.suffix(200)))
        #expect(expected.suffix(200).contains(0) == (frames > 2))
    }

    /// A frame longer than the whole pre-roll leaves its last samples.
    @Test func aFrameLongerThanThePrerollKeepsItsEnd() {
        let tap = RecognizerTap(prerollMs: 5, sampleRateHz: 8000)   // 40 samples
        tap.feed(Self.frame(from: 0))
        tap.feed(Self.frame(from: 500))
        #expect(Self.attachedAudio(tap) == (540..<580).map { Int16($0) })
    }
}
