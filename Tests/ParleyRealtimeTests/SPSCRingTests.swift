import Glibc
import Testing
@testable import ParleyRealtime

@Suite struct SPSCRingTests {
    @Test func capacityRoundsUpToPowerOfTwo() {
        #expect(SPSCRing<Int>(capacity: 5).capacity == 8)
        #expect(SPSCRing<Int>(capacity: 8).capacity == 8)
        #expect(SPSCRing<Int>(capacity: 0).capacity == 2)
    }

    @Test func popFromEmptyReturnsNil() {
        let ring = SPSCRing<UInt32>(capacity: 4)
        #expect(ring.tryPop() == nil)
        #expect(ring.tryPush(7))
        #expect(ring.tryPop() == 7)
        #expect(ring.tryPop() == nil)
    }

    @Test func fullRingDropsAndCounts() {
        let ring = SPSCRing<Int>(capacity: 16)
        for i in 0..<16 { #expect(ring.tryPush(i)) }
        #expect(ring.approximateCount == 16)
        for i in 0..<5 { #expect(!ring.tryPush(100 + i)) }
        #expect(ring.droppedCount == 5)
        // The ring kept exactly the first 16, in order.
        var popped: [Int] = []
        _ = ring.popAll { popped.append($0) }
        #expect(popped == Array(0..<16))
        // Space is usable again and the drop count stays.
        #expect(ring.tryPush(42))
        #expect(ring.tryPop() == 42)
        #expect(ring.droppedCount == 5)
    }

    @Test func wrapsAroundManyTimes() {
        let ring = SPSCRing<UInt16>(capacity: 4)
        var expected: UInt16 = 0
        for i in 0..<1000 {
            #expect(ring.tryPush(UInt16(truncatingIfNeeded: i)))
            if i % 3 == 2 {
                while let v = ring.tryPop() {
                    #expect(v == expected)
                    expected &+= 1
                }
            }
        }
    }

    struct Sample: BitwiseCopyable, Equatable { var sequence: UInt64; var check: UInt64 }

    @Test func twoThreadStressKeepsOrderAndLosesNothing() {
        let total: UInt64 = 10_000_000
        let ring = SPSCRing<Sample>(capacity: 1024)
        let producerDone = spawn {
            var i: UInt64 = 0
            while i < total {
                if ring.tryPush(Sample(sequence: i, check: i &* 0x9E37_79B9_7F4A_7C15)) {
                    i += 1
                } else {
                    sched_yield()
                }
            }
        }
        let result = Box<(received: UInt64, outOfOrder: UInt64, corrupt: UInt64)>((0, 0, 0))
        let consumerDone = spawn {
            var expected: UInt64 = 0
            var outOfOrder: UInt64 = 0
            var corrupt: UInt64 = 0
            while expected < total {
                if let sample = ring.tryPop() {
                    if sample.sequence != expected { outOfOrder += 1 }
                    if sample.check != sample.sequence &* 0x9E37_79B9_7F4A_7C15 { corrupt += 1 }
                    expected = sample.sequence + 1
                } else {
                    sched_yield()
                }
            }
            result.value = (expected, outOfOrder, corrupt)
        }
        #expect(producerDone.wait(seconds: 60))
        #expect(consumerDone.wait(seconds: 60))
        #expect(result.value.received == total)
        #expect(result.value.outOfOrder == 0)
        #expect(result.value.corrupt == 0)
        // The producer retried on full, so nothing was dropped silently: every refusal
        // was counted, and every item still arrived.
        #expect(ring.tryPop() == nil)
    }

    @Test func stalledConsumerDropsAreCountedAcrossThreads() {
        let ring = SPSCRing<Int>(capacity: 64)
        let producerDone = spawn {
            for i in 0..<1000 { _ = ring.tryPush(i) }
        }
        #expect(producerDone.wait())
        #expect(ring.droppedCount == 1000 - 64)
        var popped: [Int] = []
        _ = ring.popAll { popped.append($0) }
        #expect(popped == Array(0..<64))
    }
}
