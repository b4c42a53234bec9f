import Glibc
import Testing
@testable import ParleyRealtime

@Suite struct FramePoolTests {
    @Test func acquireUntilExhaustedThenRelease() {
        let pool = FramePool(frameCount: 4, samplesPerFrame: 160)
        var handles: [FrameHandle] = []
        while let h = pool.acquire() { handles.append(h) }
        #expect(handles.count == 4)
        #expect(Set(handles.map(\.index)).count == 4)
        #expect(pool.availableCount == 0)
        #expect(pool.acquire() == nil)
        #expect(pool.release(handles[2]))
        #expect(pool.availableCount == 1)
        #expect(pool.acquire() == handles[2])
        #expect(pool.acquire() == nil)
    }

    @Test func doubleReleaseAndForeignHandlesAreRefused() {
        let pool = FramePool(frameCount: 2, samplesPerFrame: 80)
        let h = pool.acquire()!
        #expect(pool.release(h))
        #expect(!pool.release(h))
        #expect(!pool.release(FrameHandle(index: 99)))
        #expect(pool.availableCount == 2)
    }

    @Test func framesAreDistinctStorage() {
        let pool = FramePool(frameCount: 3, samplesPerFrame: 160)
        let a = pool.acquire()!, b = pool.acquire()!
        #expect(pool.samples(a).count == 160)
        pool.withSamples(a) { span in for i in span.indices { span[i] = 1 } }
        pool.withSamples(b) { span in for i in span.indices { span[i] = -2 } }
        let sumA = pool.withSamples(reading: a) { span in (0..<span.count).reduce(0) { $0 + Int(span[$1]) } }
        let sumB = pool.withSamples(reading: b) { span in (0..<span.count).reduce(0) { $0 + Int(span[$1]) } }
        #expect(sumA == 160)
        #expect(sumB == -320)
    }

    @Test func handlesTravelThroughRingsBetweenThreads() {
        let pool = FramePool(frameCount: 8, samplesPerFrame: 160)
        let toConsumer = SPSCRing<FrameHandle>(capacity: 16)
        let rounds = 20_000
        let producer = spawn {
            var sent = 0
            while sent < rounds {
                guard let h = pool.acquire() else { sched_yield(); continue }
                pool.samples(h)[0] = Int16(truncatingIfNeeded: sent)
                while !toConsumer.tryPush(h) { sched_yield() }
                sent += 1
            }
        }
        let mismatches = Box(0)
        let consumer = spawn {
            var received = 0
            var bad = 0
            while received < rounds {
                guard let h = toConsumer.tryPop() else { sched_yield(); continue }
                if pool.samples(h)[0] != Int16(truncatingIfNeeded: received) { bad += 1 }
                if !pool.release(h) { bad += 1 }
                received += 1
            }
            mismatches.value = bad
        }
        #expect(producer.wait(seconds: 30))
        #expect(consumer.wait(seconds: 30))
        #expect(mismatches.value == 0)
        #expect(pool.availableCount == 8)
    }
}
