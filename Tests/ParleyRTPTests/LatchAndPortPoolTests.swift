import Testing
@testable import ParleyRTP

@Suite struct LatchAndPortPoolTests {
    @Test func latchesToFirstValidSource() throws {
        let signalled = try #require(RTPTransportAddress(ipv4: "127.0.0.1", port: 6000))
        let nat = try #require(RTPTransportAddress(ipv4: "127.0.0.1", port: 40000))
        let other = try #require(RTPTransportAddress(ipv4: "127.0.0.2", port: 40000))
        var latch = SymmetricRTPLatch(signalled: signalled, payloadType: 0, telephoneEventPayloadType: 101)
        #expect(latch.destination == signalled)
        #expect(latch.receive(from: other, ssrc: 1, payloadType: 18) == .ignore)   // not negotiated
        #expect(latch.receive(from: nat, ssrc: 7, payloadType: 0) == .latched(nat))
        #expect(latch.destination == nat)
        #expect(latch.receive(from: nat, ssrc: 7, payloadType: 101) == .accept)
        #expect(latch.receive(from: other, ssrc: 7, payloadType: 0) == .ignore)
        #expect(latch.receive(from: nat, ssrc: 8, payloadType: 0) == .ssrcChanged(old: 7, new: 8))
        #expect(latch.ignoredPackets == 2)
        latch.relatch(signalled: other)
        #expect(latch.destination == other)
        #expect(latch.receive(from: other, ssrc: 9, payloadType: 0) == .latched(other))
        #expect(nat.description == "127.0.0.1:40000")
        #expect(RTPTransportAddress(ipv4: "1.2.3", port: 1) == nil)
        #expect(RTPTransportAddress(ipv4: "1.2.3.256", port: 1) == nil)
    }

    @Test func portPoolHandsOutEvenPortsUntilExhausted() {
        var pool = RTPPortPool(range: 10001...10010)
        #expect(pool.capacity == 4)   // 10002, 10004, 10006, 10008 (10010 has no odd partner)
        var got: [UInt16] = []
        while let p = pool.allocate() { got.append(p) }
        #expect(got == [10002, 10004, 10006, 10008])
        #expect(pool.available == 0)
        #expect(pool.allocate() == nil)
        #expect(pool.release(10004) == true)
        #expect(pool.release(10004) == false)     // double release
        #expect(pool.release(10005) == false)     // odd
        #expect(pool.release(20000) == false)     // foreign
        #expect(pool.release(10000) == false)     // below the range
        #expect(pool.isAllocated(10002) && !pool.isAllocated(10004))
        #expect(pool.allocate() == 10004)
        #expect(pool.allocate() == nil)
    }

    @Test func releasedPortsGoToTheBack() {
        var pool = RTPPortPool(range: 20000...20007)
        let a = pool.allocate(), b = pool.allocate()
        #expect(a == 20000 && b == 20002)
        pool.release(20000)
        #expect(pool.allocate() == 20004)
        #expect(pool.allocate() == 20006)
        #expect(pool.allocate() == 20000)
        #expect(RTPPortPool(range: 5...5).capacity == 0)
        var empty = RTPPortPool(range: 5...5)
        #expect(empty.allocate() == nil)
        #expect(empty.release(6) == false)
    }
}
