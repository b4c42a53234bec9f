import Testing
@testable import ParleySIP

@Suite struct ClientTransactionTests {
    @Test func inviteTimerADoublesUntilTimerB() {
        var tx = ClientTransaction(request: Sample.request(.invite), reliable: false)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        #expect(tx.state == .calling)
        clock.advance(to: 40_000) { tx.handle(.timerFired($0)) }
        // A fires at T1, 3·T1, 7·T1, 15·T1, 31·T1, 63·T1 (interval doubling); B at 64·T1.
        #expect(clock.firedTimes(.A) == [500, 1_500, 3_500, 7_500, 15_500, 31_500])
        #expect(clock.firedTimes(.B) == [32_000])
        #expect(clock.sent.count == 7)
        #expect(clock.timedOut)
        #expect(clock.terminatedAtMs == 32_000)
        #expect(tx.state == .terminated)
    }

    @Test func inviteProvisionalStopsRetransmissionAndNon2xxIsAcked() {
        let invite = Sample.request(.invite)
        var tx = ClientTransaction(request: invite, reliable: false)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        clock.advance(to: 600) { tx.handle(.timerFired($0)) }
        clock.apply(tx.handle(.response(Sample.response(180, to: invite))))
        #expect(tx.state == .proceeding)
        #expect(clock.deadlines.isEmpty)
        clock.advance(to: 50_000) { tx.handle(.timerFired($0)) }
        #expect(clock.sent.count == 2)
        let busy = Sample.response(486, to: invite)
        clock.apply(tx.handle(.response(busy)))
        #expect(tx.state == .completed)
        #expect(clock.delivered.map(\.statusCode) == [180, 486])
        let ack = clock.sent.last!.message
        #expect(ack.method == .ack)
        #expect(ack.requestURIText == invite.requestURIText)
        #expect(ack.cseq == SIPCSeq(1, .ack))
        #expect(ack.to?.tag == "to1")
        #expect(ack.topVia?.branch == invite.topVia?.branch)
        // A retransmitted 486 is absorbed: the ACK goes again, nothing is delivered.
        clock.apply(tx.handle(.response(busy)))
        #expect(clock.sent.count == 4)
        #expect(clock.delivered.count == 2)
        clock.advance(to: 50_000 + 32_000) { tx.handle(.timerFired($0)) }
        #expect(clock.firedTimes(.D) == [82_000])
        #expect(tx.state == .terminated)
    }

    @Test func timerDComesFromTheConfiguredTimers() {
        let invite = Sample.request(.invite)
        var tx = ClientTransaction(request: invite, reliable: false, timers: TransactionTimers(t1Ms: 50, timerDMs: 3_200))
        _ = tx.handle(.start)
        let actions = tx.handle(.response(Sample.response(486, to: invite)))
        #expect(actions.contains(.startTimer(.D, delayMs: 3_200)))
    }

    @Test func invite2xxEntersAcceptedAndDeliversRetransmissionsUntilTimerM() {
        let invite = Sample.request(.invite)
        var tx = ClientTransaction(request: invite, reliable: false, timers: TransactionTimers(t1Ms: 100))
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        clock.advance(to: 150) { tx.handle(.timerFired($0)) }
        clock.apply(tx.handle(.response(Sample.response(200, to: invite))))
        #expect(tx.state == .accepted)
        #expect(clock.deadlines == [.M: 150 + 6_400], "Timers A and B cancelled, M = 64·T1")
        #expect(clock.delivered.map(\.statusCode) == [200])
        // RFC 6026 §7.2: a retransmitted 2xx (and a forked one) reaches the TU, which re-ACKs.
        clock.advance(to: 1_000) { tx.handle(.timerFired($0)) }
        clock.apply(tx.handle(.response(Sample.response(200, to: invite))))
        clock.apply(tx.handle(.response(Sample.response(200, to: invite, toTag: "fork2"))))
        #expect(clock.delivered.map(\.statusCode) == [200, 200, 200])
        // Anything else is dropped; nothing is sent by the transaction itself.
        clock.apply(tx.handle(.response(Sample.response(486, to: invite))))
        clock.apply(tx.handle(.response(Sample.response(180, to: invite))))
        #expect(clock.delivered.count == 3)
        #expect(clock.sent.map(\.message.method) == [.invite, .invite])
        clock.advance(to: 10_000) { tx.handle(.timerFired($0)) }
        #expect(clock.firedTimes(.M) == [6_550])
        #expect(tx.state == .terminated)
        #expect(clock.terminatedAtMs == 6_550)
        clock.apply(tx.handle(.response(Sample.response(200, to: invite))))
        #expect(clock.delivered.count == 3)
    }

    @Test func invite2xxOnReliableTransportAlsoWaitsTimerM() {
        let invite = Sample.request(.invite)
        var tx = ClientTransaction(request: invite, reliable: true)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        #expect(clock.deadlines.keys.sorted { $0.rawValue < $1.rawValue } == [.B])
        clock.apply(tx.handle(.response(Sample.response(200, to: invite))))
        #expect(clock.delivered.map(\.statusCode) == [200])
        #expect(tx.state == .accepted)
        #expect(clock.deadlines == [.M: 32_000])
    }

    @Test func nonInviteTimerECapsAtT2AndTimerFTimesOut() {
        var tx = ClientTransaction(request: Sample.request(.options), reliable: false)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        #expect(tx.state == .trying)
        clock.advance(to: 40_000) { tx.handle(.timerFired($0)) }
        let e = clock.firedTimes(.E)
        let intervals = zip(e, [0] + e).map { $0 - $1 }
        #expect(Array(intervals.prefix(5)) == [500, 1_000, 2_000, 4_000, 4_000])
        #expect(intervals.allSatisfy { $0 <= 4_000 })
        #expect(clock.firedTimes(.F) == [32_000])
        #expect(clock.timedOut)
    }

    @Test func nonInviteProceedingRetransmitsAtT2ThenCompletesWithTimerK() {
        let bye = Sample.request(.bye)
        var tx = ClientTransaction(request: bye, reliable: false, timers: TransactionTimers(t1Ms: 100, t2Ms: 1_000, t4Ms: 2_000))
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        clock.apply(tx.handle(.response(Sample.response(100, to: bye))))
        #expect(tx.state == .proceeding)
        clock.advance(to: 150) { tx.handle(.timerFired($0)) }
        #expect(clock.deadlines[.E] == 100 + 1_000)
        clock.apply(tx.handle(.response(Sample.response(200, to: bye))))
        #expect(tx.state == .completed)
        clock.apply(tx.handle(.response(Sample.response(200, to: bye))))
        #expect(clock.delivered.map(\.statusCode) == [100, 200])
        clock.advance(to: 5_000) { tx.handle(.timerFired($0)) }
        #expect(clock.firedTimes(.K) == [2_150])
        #expect(tx.state == .terminated)
    }

    @Test func reliableNonInviteTerminatesOnFinal() {
        let options = Sample.request(.options)
        var tx = ClientTransaction(request: options, reliable: true)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        #expect(clock.deadlines[.E] == nil)
        clock.apply(tx.handle(.response(Sample.response(200, to: options))))
        #expect(tx.state == .terminated)
    }

    @Test func transportErrorTerminates() {
        var tx = ClientTransaction(request: Sample.request(.invite), reliable: false)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        clock.apply(tx.handle(.transportError))
        #expect(clock.transportFailed)
        #expect(tx.state == .terminated)
    }
}

@Suite struct ServerTransactionTests {
    @Test func inviteSendsTryingAbsorbsRetransmissionsAndRetransmitsFinalWithTimerG() {
        let invite = Sample.request(.invite)
        var tx = ServerTransaction(request: invite, reliable: false)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        #expect(clock.sent.map(\.message.statusCode) == [100])
        #expect(clock.delivered.map(\.method) == [.invite])
        clock.apply(tx.handle(.request(invite)))
        #expect(clock.sent.map(\.message.statusCode) == [100, 100])
        #expect(clock.delivered.count == 1)
        clock.apply(tx.handle(.respond(Sample.response(180, to: invite))))
        clock.apply(tx.handle(.respond(Sample.response(486, to: invite))))
        #expect(tx.state == .completed)
        clock.advance(to: 9_000) { tx.handle(.timerFired($0)) }
        let g = clock.firedTimes(.G)
        #expect(zip(g, [0] + g).map { $0 - $1 } == [500, 1_000, 2_000, 4_000])
        clock.apply(tx.handle(.request(invite)))
        #expect(clock.sent.last?.message.statusCode == 486)
        var ack = SIPMessage.ack(for: invite, response: Sample.response(486, to: invite))
        ack.set(.via, invite.value(.via)!)
        clock.apply(tx.handle(.request(ack)))
        #expect(tx.state == .confirmed)
        let sentBefore = clock.sent.count
        clock.apply(tx.handle(.request(ack)))
        #expect(clock.sent.count == sentBefore)
        clock.advance(to: 20_000) { tx.handle(.timerFired($0)) }
        #expect(clock.firedTimes(.I) == [9_000 + 5_000])
        #expect(tx.state == .terminated)
    }

    @Test func inviteTimerHWithoutAck() {
        let invite = Sample.request(.invite)
        var tx = ServerTransaction(request: invite, reliable: false)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        clock.apply(tx.handle(.respond(Sample.response(603, to: invite))))
        clock.advance(to: 40_000) { tx.handle(.timerFired($0)) }
        #expect(clock.firedTimes(.H) == [32_000])
        #expect(clock.timedOut)
        #expect(tx.state == .terminated)
    }

    @Test func invite2xxEntersAcceptedAbsorbsInviteAndEndsWithTimerL() {
        let invite = Sample.request(.invite)
        var tx = ServerTransaction(request: invite, reliable: false, timers: TransactionTimers(t1Ms: 100))
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        clock.nowMs = 40
        let ok = Sample.response(200, to: invite)
        clock.apply(tx.handle(.respond(ok)))
        #expect(tx.state == .accepted)
        #expect(clock.sent.map(\.message.statusCode) == [100, 200])
        #expect(clock.deadlines == [.L: 40 + 6_400])
        // RFC 6026 §8.7: INVITE retransmissions are absorbed, not answered and not delivered.
        clock.nowMs = 500
        clock.apply(tx.handle(.request(invite)))
        #expect(clock.sent.count == 2)
        #expect(clock.delivered.map(\.method) == [.invite])
        // The UAS core's 2xx retransmissions pass through; other responses do not.
        clock.apply(tx.handle(.respond(ok)))
        clock.apply(tx.handle(.respond(Sample.response(486, to: invite))))
        clock.apply(tx.handle(.respond(Sample.response(180, to: invite))))
        #expect(clock.sent.map(\.message.statusCode) == [100, 200, 200])
        // An ACK matching the transaction (RFC 2543 peer) goes up to the TU.
        clock.apply(tx.handle(.request(SIPMessage.ack(for: invite, response: ok))))
        #expect(clock.delivered.map(\.method) == [.invite, .ack])
        // Transport errors do not end Accepted.
        clock.apply(tx.handle(.transportError))
        #expect(tx.state == .accepted)
        #expect(!clock.transportFailed)
        clock.advance(to: 10_000) { tx.handle(.timerFired($0)) }
        #expect(clock.firedTimes(.L) == [6_440])
        #expect(tx.state == .terminated)
        #expect(!clock.timedOut)
    }

    /// The UAS core (AcceptedInviteRetransmitter) and the Accepted transaction together:
    /// the core's 2xx retransmissions leave through the transaction, INVITE retransmissions
    /// die there, the ACK stops the core and Timer L ends the transaction.
    @Test func coreRetransmitsThroughAcceptedTransactionUntilAck() {
        let invite = Sample.request(.invite)
        let timers = TransactionTimers(t1Ms: 100, t2Ms: 400)
        var tx = ServerTransaction(request: invite, reliable: false, timers: timers)
        let ok = Sample.response(200, to: invite)
        var core = AcceptedInviteRetransmitter(response: ok, reliable: false, timers: timers)
        var clock = ManualClock()
        func viaTransaction(_ actions: [TransactionAction]) -> [TransactionAction] {
            actions.flatMap { action -> [TransactionAction] in
                switch action {
                case let .send(m): tx.handle(.respond(m))
                case .terminated: []  // the core ends, not the transaction
                default: [action]
                }
            }
        }
        clock.apply(tx.handle(.start))
        clock.apply(tx.handle(.respond(ok)))
        clock.apply(viaTransaction(core.handle(.start)))
        clock.advance(to: 650) { t in
            t == .L ? tx.handle(.timerFired(t)) : viaTransaction(core.handle(.timerFired(t)))
        }
        clock.apply(tx.handle(.request(invite)))  // a late INVITE retransmission: absorbed
        #expect(clock.sent.filter { $0.message.statusCode == 200 }.map(\.atMs) == [0, 100, 300])
        clock.apply(viaTransaction(core.handle(.ack)))
        clock.advance(to: 20_000) { t in
            t == .L ? tx.handle(.timerFired(t)) : viaTransaction(core.handle(.timerFired(t)))
        }
        #expect(clock.sent.filter { $0.message.statusCode == 200 }.count == 3)
        #expect(clock.firedTimes(.L) == [6_400])
        #expect(tx.state == .terminated)
        #expect(core.state == .acknowledged)
        #expect(clock.delivered.map(\.method) == [.invite])
    }

    @Test func reliableInvite2xxStillWaitsInAccepted() {
        let invite = Sample.request(.invite)
        var tx = ServerTransaction(request: invite, reliable: true)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        clock.apply(tx.handle(.respond(Sample.response(200, to: invite))))
        #expect(tx.state == .accepted)
        #expect(clock.deadlines == [.L: 32_000])
        clock.apply(tx.handle(.request(invite)))
        #expect(clock.sent.map(\.message.statusCode) == [100, 200])
    }

    @Test func nonInviteTryingDiscardsThenCompletedRetransmitsUntilJ() {
        let bye = Sample.request(.bye)
        var tx = ServerTransaction(request: bye, reliable: false)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        clock.apply(tx.handle(.request(bye)))
        #expect(clock.sent.isEmpty)
        clock.apply(tx.handle(.respond(Sample.response(200, to: bye))))
        #expect(tx.state == .completed)
        clock.apply(tx.handle(.request(bye)))
        #expect(clock.sent.map(\.message.statusCode) == [200, 200])
        clock.advance(to: 40_000) { tx.handle(.timerFired($0)) }
        #expect(clock.firedTimes(.J) == [32_000])
        #expect(tx.state == .terminated)
    }

    @Test func nonInviteReliableTerminatesOnFinal() {
        let bye = Sample.request(.bye)
        var tx = ServerTransaction(request: bye, reliable: true)
        var clock = ManualClock()
        clock.apply(tx.handle(.start))
        clock.apply(tx.handle(.respond(Sample.response(100, to: bye))))
        #expect(tx.state == .proceeding)
        clock.apply(tx.handle(.respond(Sample.response(200, to: bye))))
        #expect(tx.state == .terminated)
    }
}

@Suite struct AcceptedInviteRetransmitterTests {
    @Test func retransmitsUntilAck() {
        let invite = Sample.request(.invite)
        var r = AcceptedInviteRetransmitter(response: Sample.response(200, to: invite), reliable: false)
        var clock = ManualClock()
        clock.apply(r.handle(.start))
        clock.advance(to: 8_000) { r.handle(.timerFired($0)) }
        let times = clock.firedTimes(.retransmit2xx)
        #expect(times == [500, 1_500, 3_500, 7_500])
        clock.apply(r.handle(.ack))
        #expect(r.state == .acknowledged)
        clock.advance(to: 100_000) { r.handle(.timerFired($0)) }
        #expect(clock.sent.count == 4)
    }

    @Test func givesUpAfter64T1() {
        var r = AcceptedInviteRetransmitter(response: Sample.response(200, to: Sample.request(.invite)), reliable: false)
        var clock = ManualClock()
        clock.apply(r.handle(.start))
        clock.advance(to: 100_000) { r.handle(.timerFired($0)) }
        #expect(clock.firedTimes(.ackTimeout) == [32_000])
        #expect(clock.timedOut)
        #expect(r.state == .timedOut)
        let gaps = zip(clock.firedTimes(.retransmit2xx), [0] + clock.firedTimes(.retransmit2xx)).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 <= 4_000 })
    }
}

@Suite struct TransactionKeyTests {
    @Test func matchingRules() throws {
        let invite = Sample.request(.invite, branch: "z9hG4bKxyz")
        let key = try #require(TransactionKey.server(for: invite))
        var ack = SIPMessage.ack(for: invite, response: Sample.response(486, to: invite))
        ack.set(.via, invite.value(.via)!)
        #expect(TransactionKey.server(for: ack) == key)
        var cancel = invite
        cancel.startLine = .request(method: .cancel, uri: invite.requestURIText!, version: "SIP/2.0")
        cancel.set(.cseq, "1 CANCEL")
        #expect(TransactionKey.server(for: cancel) != key)
        #expect(TransactionKey.cancelled(by: cancel) == key)
        let other = Sample.request(.invite, branch: "z9hG4bKxyz", host: "elsewhere.example.com")
        #expect(TransactionKey.server(for: other) != key)
        let bye = Sample.request(.bye, branch: "z9hG4bKxyz")
        #expect(TransactionKey.server(for: bye) != key)
        let response = Sample.response(180, to: invite)
        #expect(TransactionKey.client(forResponse: response) == TransactionKey.client(for: invite))
        #expect(TransactionKey.server(for: Sample.request(.invite, branch: "2543-style")) == nil)
    }
}

@Suite struct ResponseRoutingTests {
    @Test func receivedAndRport() throws {
        let v = try SIPVia(parsing: "SIP/2.0/UDP client.example.com:5070;branch=z9hG4bK1;rport")
        let stamped = v.stamped(sourceHost: "127.0.0.1", sourcePort: 40123)
        #expect(stamped.received == "127.0.0.1")
        #expect(stamped.rport == 40123)
        #expect(stamped.responseDestination == ("127.0.0.1", 40123))
        let plain = try SIPVia(parsing: "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1")
        #expect(plain.stamped(sourceHost: "127.0.0.1", sourcePort: 5070).received == nil)
        #expect(plain.responseDestination == ("127.0.0.1", 5070))
        let nat = try SIPVia(parsing: "SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1").stamped(sourceHost: "127.0.0.1", sourcePort: 6000)
        #expect(nat.responseDestination == ("127.0.0.1", 5060))
        let v6 = try SIPVia(parsing: "SIP/2.0/UDP [::1]:5062;branch=z9hG4bK1")
        #expect(v6.stamped(sourceHost: "::1", sourcePort: 5062).received == nil)
        let multicast = try SIPVia(parsing: "SIP/2.0/UDP h.example;branch=z9hG4bK1;maddr=239.1.1.1")
        #expect(multicast.responseDestination == ("239.1.1.1", 5060))
    }
}
