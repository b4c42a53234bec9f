import Testing
@testable import ParleyRTP

@Suite struct TelephoneEventTests {
    typealias E = TelephoneEvent

    @Test func normalSequenceReportsOnceWithDuration() {
        var r = TelephoneEventReceiver()
        var began: [DTMFDigit] = []
        var ended: [DTMFDigit] = []
        let packets: [(E, UInt32)] = [
            (E(event: 5, duration: 160), 8000), (E(event: 5, duration: 320), 8000), (E(event: 5, duration: 480), 8000),
            (E(event: 5, end: true, duration: 640), 8000), (E(event: 5, end: true, duration: 640), 8000),
            (E(event: 5, end: true, duration: 640), 8000),
        ]
        for (i, (p, ts)) in packets.enumerated() {
            let rep = r.receive(p, timestamp: ts, atMs: Int64(i * 20))
            if let b = rep.began { began.append(b) }
            if let e = rep.ended { ended.append(e) }
            #expect(rep.previousEnded == nil)
        }
        #expect(began == [DTMFDigit(event: 5, timestamp: 8000, durationSamples: 160)])
        #expect(ended == [DTMFDigit(event: 5, timestamp: 8000, durationSamples: 640)])
        #expect(r.ignoredPackets == 2)
        #expect(r.current == nil)
    }

    @Test func lostEndPacketsEndedByNextEventOrTimeout() {
        var r = TelephoneEventReceiver(timeoutMs: 400)
        _ = r.receive(E(event: 1, duration: 160), timestamp: 0, atMs: 0)
        _ = r.receive(E(event: 1, duration: 320), timestamp: 0, atMs: 20)
        let rep = r.receive(E(event: 2, duration: 160), timestamp: 1600, atMs: 200)
        #expect(rep.previousEnded == DTMFDigit(event: 1, timestamp: 0, durationSamples: 320))
        #expect(rep.began?.event == 2)
        #expect(r.expire(nowMs: 599) == nil)
        #expect(r.expire(nowMs: 600) == DTMFDigit(event: 2, timestamp: 1600, durationSamples: 160))
        #expect(r.expire(nowMs: 2000) == nil)
        // A straggler of the expired event is not a new digit.
        #expect(r.receive(E(event: 2, end: true, duration: 800), timestamp: 1600, atMs: 2010).isEmpty)
    }

    @Test func onlyEndPacketsStillGiveOneDigit() {
        var r = TelephoneEventReceiver()
        let a = r.receive(E(event: 11, end: true, duration: 800), timestamp: 500, atMs: 0)
        #expect(a.began?.event == 11 && a.ended?.durationSamples == 800)
        #expect(r.receive(E(event: 11, end: true, duration: 800), timestamp: 500, atMs: 20).isEmpty)
        #expect(r.receive(E(event: 11, end: true, duration: 800), timestamp: 500, atMs: 40).isEmpty)
        // Same digit again, new timestamp: a second press.
        #expect(r.receive(E(event: 11, duration: 160), timestamp: 2500, atMs: 300).began?.event == 11)
    }

    @Test func ignoresNonDTMFAndOlderPackets() {
        var r = TelephoneEventReceiver()
        #expect(r.receive(E(event: 70, duration: 160), timestamp: 0, atMs: 0).isEmpty)
        _ = r.receive(E(event: 3, duration: 160), timestamp: 8000, atMs: 0)
        #expect(r.receive(E(event: 4, duration: 160), timestamp: 7000, atMs: 10).isEmpty)
        #expect(r.ignoredPackets == 2)
    }

    @Test func senderSequence() {
        var s = TelephoneEventSender(packetIntervalSamples: 160)
        #expect(s.start(event: 9, durationSamples: 800, timestamp: 12345) == true)
        #expect(s.start(event: 1, durationSamples: 800, timestamp: 0) == false)
        var packets: [TelephoneEventSender.Packet] = []
        while let p = s.nextPacket() { packets.append(p) }
        #expect(packets.map(\.payload.duration) == [160, 320, 480, 640, 800, 800, 800])
        #expect(packets.map(\.payload.end) == [false, false, false, false, true, true, true])
        #expect(packets.map(\.marker) == [true, false, false, false, false, false, false])
        #expect(packets.allSatisfy { $0.timestamp == 12345 && $0.payload.event == 9 })
        #expect(!s.isActive)
        // Shortest event: begin is also the end, marker on the first of the three.
        #expect(s.start(event: 0, durationSamples: 10, timestamp: 1) == true)
        var short: [TelephoneEventSender.Packet] = []
        while let p = s.nextPacket() { short.append(p) }
        #expect(short.map(\.marker) == [true, false, false])
        #expect(short.allSatisfy { $0.payload.end && $0.payload.duration == 160 })
    }

    @Test func senderToReceiverWithPayloadBytes() throws {
        var s = TelephoneEventSender(packetIntervalSamples: 160)
        var r = TelephoneEventReceiver()
        var digits: [DTMFDigit] = []
        var t: UInt32 = 0
        for (n, ev) in [UInt8(1), 10, 11, 1].enumerated() {
            _ = s.start(event: ev, durationSamples: 640, timestamp: t)
            var ms: Int64 = Int64(n) * 1000
            while let p = s.nextPacket() {
                var bytes = [UInt8](repeating: 0, count: 4)
                var out = bytes.mutableSpan
                #expect(p.payload.write(into: &out) == 4)
                let parsed = try TelephoneEvent(parsing: bytes.span)
                if let e = r.receive(parsed, timestamp: p.timestamp, atMs: ms).ended { digits.append(e) }
                ms += 20
            }
            t &+= 8000
        }
        #expect(digits.map(\.event) == [1, 10, 11, 1])
        #expect(digits.allSatisfy { $0.durationSamples == 640 })
        #expect(digits.compactMap { TelephoneEvent.symbol(for: $0.event) } == ["1", "*", "#", "1"])
        #expect(TelephoneEvent.code(for: "#") == 11 && TelephoneEvent.code(for: "d") == 15 && TelephoneEvent.code(for: "x") == nil)
    }

    @Test func deduplicatorJoinsRTPAndINFO() {
        var d = DTMFDeduplicator(windowMs: 1000)
        var delivered: [UInt8] = []
        let input: [(UInt8, DTMFDeduplicator.Source, Int64)] = [
            (1, .rtp, 0), (1, .sipInfo, 150),         // same press both ways → once
            (1, .rtp, 400), (1, .sipInfo, 500),       // second press of the same key → once more
            (2, .sipInfo, 2000), (2, .rtp, 2100),     // INFO first
            (3, .rtp, 3000), (3, .sipInfo, 4500),     // outside the window → both
            (4, .rtp, 6000), (4, .rtp, 6100),         // same source twice → both
        ]
        for (e, s, t) in input where d.accept(event: e, source: s, atMs: t) { delivered.append(e) }
        #expect(delivered == [1, 1, 2, 3, 3, 4, 4])
        #expect(d.duplicatesDropped == 3)
    }
}
