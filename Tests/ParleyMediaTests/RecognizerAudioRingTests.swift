@testable import ParleyMedia
import Foundation
import Testing

/// The recognizer ring: frames in order, silent frames as zeros without their samples
/// stored, drops counted when full, and whole frames across threads.
@Suite struct RecognizerAudioRingTests {
    static func samples(_ first: Int, count: Int) -> [Int16] {
        (0..<count).map { Int16(truncatingIfNeeded: first &* 7 &+ $0 &+ 1) }
    }

    static func drain(_ ring: RecognizerAudioRing) -> [(time: Int64, silent: Bool, samples: [Int16])] {
        var out: [(Int64, Bool, [Int16])] = []
        _ = ring.popAll { frame in
            out.append((frame.sampleTime, frame.isSilent, (0..<Int(frame.sampleCount)).map { frame.samples[$0] }))
        }
        return out
    }

    @Test func framesComeOutInOrderAndSilenceAsZeros() {
        let ring = RecognizerAudioRing(capacity: 4)
        // A loud 160-sample frame, then silence of 80 and of 160 (the zeros must cover what
        // the loud frame left in the frame handed out), then loud again.
        #expect(Self.samples(1, count: 160).withUnsafeBufferPointer { ring.tryPush($0.span, sampleTime: 0) })
        #expect(ring.tryPushSilence(count: 80, sampleTime: 160))
        #expect(ring.tryPushSilence(count: 160, sampleTime: 240))
        #expect(Self.samples(2, count: 80).withUnsafeBufferPointer { ring.tryPush($0.span, sampleTime: 400) })
        let frames = Self.drain(ring)
        #expect(frames.map(\.time) == [0, 160, 240, 400])
        #expect(frames.map(\.silent) == [false, true, true, false])
        #expect(frames[0].samples == Self.samples(1, count: 160))
        #expect(frames[1].samples == [Int16](repeating: 0, count: 80))
        #expect(frames[2].samples == [Int16](repeating: 0, count: 160))
        #expect(frames[3].samples == Self.samples(2, count: 80))
        #expect(Self.drain(ring).isEmpty)
    }

    @Test func aFullRingDropsAndCounts() {
        let ring = RecognizerAudioRing(capacity: 2)
        #expect(ring.tryPushSilence(count: 80, sampleTime: 0))
        #expect(ring.tryPushSilence(count: 80, sampleTime: 80))
        #expect(!ring.tryPushSilence(count: 80, sampleTime: 160))
        #expect(!Self.samples(3, count: 80).withUnsafeBufferPointer { ring.tryPush($0.span, sampleTime: 160) })
        #expect(ring.droppedCount == 2)
        #expect(ring.approximateCount == 2)
        #expect(Self.drain(ring).map(\.time) == [0, 80])
        #expect(ring.tryPushSilence(count: 80, sampleTime: 240))
        #expect(Self.drain(ring).map(\.time) == [240])
    }

    /// A producer thread pushing loud and silent frames while the consumer drains: every
    /// frame arrives whole, in order, or is counted as dropped.
    @Test func framesCrossThreadsWhole() async {
        let ring = RecognizerAudioRing(capacity: 8)
        let total = 20_000
        let producer = Thread {
            var n = 0
            while n < total {
                let pushed = n % 5 == 0
                    ? ring.tryPushSilence(count: 80, sampleTime: Int64(n))
                    : Self.samples(n, count: 80).withUnsafeBufferPointer { ring.tryPush($0.span, sampleTime: Int64(n)) }
                if pushed { n += 1 }
            }
        }
        producer.start()
        var next: Int64 = 0
        var bad = 0
        let deadline = Date().addingTimeInterval(30)
        while next < Int64(total), Date() < deadline {
            _ = ring.popAll { frame in
                let n = Int(frame.sampleTime)
                let want = n % 5 == 0 ? [Int16](repeating: 0, count: 80) : Self.samples(n, count: 80)
                if frame.sampleTime != next || (0..<80).map({ frame.samples[$0] }) != want { bad += 1 }
                next = frame.sampleTime + 1
            }
        }
        #expect(next == Int64(total))
        #expect(bad == 0)
    }
}
