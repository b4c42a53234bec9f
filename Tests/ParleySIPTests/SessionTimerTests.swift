import Testing
@testable import ParleySIP

/// Session timers (RFC 4028) in the `InviteSession`, driven by a manual clock: the session
/// arms its timer through `.startSessionTimer`, the clock fires `.sessionTimerFired`.
private struct SessionClock {
    var nowMs = 0
    var deadlineMs: Int?
    var sent: [(atMs: Int, message: SIPMessage)] = []
    var ended: (atMs: Int, reason: InviteSession.EndReason)?

    mutating func apply(_ actions: [InviteSession.Action]) {
        for action in actions {
            switch action {
            case let .sendRequest(m), let .sendResponse(m), let .sendAck(m): sent.append((nowMs, m))
            case let .startSessionTimer(delayMs): deadlineMs = nowMs + delayMs
            case let .ended(reason):
                ended = (nowMs, reason)
                deadlineMs = nil
            default: break
            }
        }
    }

    mutating func advance(to targetMs: Int, _ session: inout InviteSession) {
        while let at = deadlineMs, at <= targetMs {
            nowMs = at
            deadlineMs = nil
            apply(session.handle(.sessionTimerFired(via: SIPVia(transport: "UDP", host: "127.0.0.1", port: 5060,
                                                                  branch: "z9hG4bKst\(at)"))))
        }
        nowMs = max(nowMs, targetMs)
    }

    func requests(_ method: SIPMethod) -> [(atMs: Int, message: SIPMessage)] { sent.filter { $0.message.method == method } }
}

private let botContact = SIPURI(user: "bot", host: "127.0.0.1", port: 5060)
private let sdp = Array("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n".utf8)

/// A confirmed UAS session for an INVITE carrying `headers`.
private func confirmedUAS(_ headers: [(SIPHeaderName, String)], policy: SessionTimerPolicy = SessionTimerPolicy(),
                          clock: inout SessionClock) -> (InviteSession, SIPMessage) {
    var invite = Sample.request(.invite, cseq: 10)
    invite.add(.contact, "<sip:caller@192.0.2.10:5070>")
    for (name, value) in headers { invite.add(name, value) }
    var s = InviteSession(role: .uas, localTag: "bot1", localContact: botContact, sessionTimerPolicy: policy)
    clock.apply(s.handle(.incomingInvite(invite)))
    clock.apply(s.handle(.answer(body: sdp, contentType: "application/sdp", extraHeaders: [])))
    var ack = Sample.request(.ack, branch: "z9hG4bKack", cseq: 10)
    ack.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
    clock.apply(s.handle(.ack(ack)))
    return (s, clock.sent.first { $0.message.statusCode == 200 }!.message)
}

private func inDialog(_ method: SIPMethod, cseq: UInt32, _ headers: [(SIPHeaderName, String)] = []) -> SIPMessage {
    var m = Sample.request(method, branch: "z9hG4bK\(method.name)\(cseq)", cseq: cseq)
    m.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
    for (name, value) in headers { m.add(name, value) }
    return m
}

@Suite struct SessionTimerSessionTests {
    @Test func peerRefreshesByUpdateThenStopsAndWeSendBye() throws {
        var clock = SessionClock()
        var (s, ok) = confirmedUAS([(.sessionExpires, "90;refresher=uac"), (.supported, "timer"), (.minSE, "90")], clock: &clock)
        #expect(ok.value(.sessionExpires) == "90;refresher=uac")
        #expect(ok.tokens(.require) == ["timer"])
        // Peer refreshes: expiry is at interval − min(32, interval/3) = 60 s after each 2xx.
        #expect(clock.deadlineMs == 60_000)
        clock.advance(to: 45_000, &s)
        clock.apply(s.handle(.request(inDialog(.update, cseq: 11, [(.sessionExpires, "90;refresher=uac"), (.supported, "timer")]))))
        let refreshOK = try #require(clock.sent.last?.message)
        #expect(refreshOK.statusCode == 200 && refreshOK.cseq?.method == .update)
        #expect(refreshOK.value(.sessionExpires) == "90;refresher=uac")
        #expect(clock.deadlineMs == 105_000)
        clock.advance(to: 104_999, &s)
        #expect(clock.ended == nil)
        clock.advance(to: 200_000, &s)
        #expect(clock.ended?.atMs == 105_000)
        #expect(clock.ended?.reason == .sessionExpired)
        #expect(clock.requests(.bye).map(\.atMs) == [105_000])
        #expect(s.state == .terminated)
    }

    @Test func updateBelowMinSEGets422() throws {
        var clock = SessionClock()
        var (s, _) = confirmedUAS([(.sessionExpires, "90"), (.supported, "timer")], clock: &clock)
        clock.apply(s.handle(.request(inDialog(.update, cseq: 11, [(.sessionExpires, "30")]))))
        let r = try #require(clock.sent.last?.message)
        #expect(r.statusCode == 422)
        #expect(r.value(.minSE) == "90")
        #expect(clock.deadlineMs == 60_000, "a refused refresh restarts nothing")
    }

    @Test func peerRefreshByReinviteAnsweredByTheTUCarriesSessionExpires() throws {
        var clock = SessionClock()
        var (s, _) = confirmedUAS([(.sessionExpires, "120"), (.supported, "timer")], clock: &clock)
        #expect(clock.deadlineMs == 88_000, "120 − min(32, 40) s")
        clock.nowMs = 50_000
        var reinvite = inDialog(.invite, cseq: 11, [(.sessionExpires, "100;refresher=uac"), (.supported, "timer")])
        reinvite.body = sdp
        let delivered = s.handle(.request(reinvite))
        #expect(delivered == [.requestReceived(reinvite)])
        clock.apply(s.handle(.respond(to: reinvite, statusCode: 200, body: sdp, contentType: "application/sdp")))
        let r = try #require(clock.sent.last?.message)
        #expect(r.value(.sessionExpires) == "100;refresher=uac")
        #expect(clock.deadlineMs == 50_000 + (100 - 32) * 1_000)
    }

    @Test func weRefreshWithReinviteCarryingTheSameSDPWhenUpdateIsNotAllowed() throws {
        var clock = SessionClock()
        var (s, ok) = confirmedUAS([(.sessionExpires, "120;refresher=uas"), (.supported, "timer"),
                                    (.allow, "INVITE, ACK, BYE, CANCEL")], clock: &clock)
        #expect(ok.value(.sessionExpires) == "120;refresher=uas")
        #expect(clock.deadlineMs == 60_000)
        clock.advance(to: 60_000, &s)
        let refresh = try #require(clock.requests(.invite).last)
        #expect(refresh.atMs == 60_000)
        #expect(refresh.message.body == sdp)
        #expect(refresh.message.value(.sessionExpires) == "120;refresher=uac", "we are the UAC of the refresh")
        #expect(refresh.message.tokens(.supported) == ["timer"])
        // A second firing before the 2xx sends nothing more.
        clock.advance(to: 120_000, &s)
        #expect(clock.requests(.invite).count == 1)
        var refreshOK = Sample.response(200, to: refresh.message, toTag: "from1")
        refreshOK.add(.sessionExpires, "120;refresher=uac")
        clock.nowMs = 121_000
        clock.apply(s.handle(.response(refreshOK, via: SIPVia(transport: "UDP", host: "127.0.0.1", port: 5060, branch: "z9hG4bKa"))))
        #expect(clock.requests(.ack).count == 1)
        #expect(clock.deadlineMs == 181_000)
        #expect(s.pendingOutgoingReinvite == nil)
        clock.advance(to: 181_000, &s)
        #expect(clock.requests(.invite).count == 2)
        #expect(clock.ended == nil)
    }

    @Test func weRefreshWithUpdateAndA481EndsTheCall() throws {
        var clock = SessionClock()
        var (s, _) = confirmedUAS([(.sessionExpires, "90;refresher=uas"), (.allow, "INVITE, ACK, BYE, UPDATE")], clock: &clock)
        clock.advance(to: 45_000, &s)
        let update = try #require(clock.requests(.update).first?.message)
        #expect(update.body.isEmpty)
        #expect(update.value(.sessionExpires) == "90;refresher=uac")
        clock.apply(s.handle(.response(Sample.response(481, to: update, toTag: "from1"),
                                       via: SIPVia(transport: "UDP", host: "127.0.0.1", port: 5060, branch: "z9hG4bKb"))))
        #expect(clock.ended?.reason == .sessionExpired)
        #expect(clock.requests(.bye).count == 1)
    }

    @Test func uacWithoutTimerSupportMakesUsTheRefresher() {
        var clock = SessionClock()
        let (_, ok) = confirmedUAS([(.sessionExpires, "1800")], clock: &clock)
        #expect(ok.value(.sessionExpires) == "1800;refresher=uas")
        #expect(ok.value(.require) == nil, "Require: timer only when the UAC supports it")
        #expect(clock.deadlineMs == 900_000)
    }

    @Test func noSessionExpiresOrDisabledPolicyMeansNoTimer() {
        var clock = SessionClock()
        let (_, plain) = confirmedUAS([(.supported, "timer")], clock: &clock)
        #expect(plain.value(.sessionExpires) == nil)
        #expect(clock.deadlineMs == nil)
        var other = SessionClock()
        let (_, off) = confirmedUAS([(.sessionExpires, "90"), (.supported, "timer")],
                                    policy: SessionTimerPolicy(enabled: false), clock: &other)
        #expect(off.value(.sessionExpires) == nil)
        #expect(other.deadlineMs == nil)
    }

    @Test func uacLearnsTheTimerFromThe2xxAndRefreshes() throws {
        var s = InviteSession(role: .uac, localTag: "bot1", localContact: botContact, sessionTimerPolicy: SessionTimerPolicy())
        var clock = SessionClock()
        var invite = Sample.request(.invite, cseq: 1)
        invite.set(.from, "<sip:bot@127.0.0.1>;tag=bot1")
        invite.body = sdp
        clock.apply(s.handle(.outgoingInvite(invite)))
        var ok = Sample.response(200, to: invite, toTag: "callee1")
        ok.add(.contact, "<sip:callee@127.0.0.1:5080>")
        ok.add(.sessionExpires, "90")  // no refresher: the UAC (we) refreshes
        clock.apply(s.handle(.response(ok, via: SIPVia(transport: "UDP", host: "127.0.0.1", port: 5060, branch: "z9hG4bKc"))))
        #expect(s.state == .confirmed)
        #expect(clock.deadlineMs == 45_000)
        clock.advance(to: 45_000, &s)
        let refresh = try #require(clock.requests(.invite).last?.message)
        #expect(refresh.cseq?.sequence == 2)
        #expect(refresh.body == sdp)
    }
}

@Suite struct SessionTimerPolicyTests {
    func invite(_ headers: [(SIPHeaderName, String)]) -> SIPMessage {
        var m = Sample.request(.invite)
        for (name, value) in headers { m.add(name, value) }
        return m
    }

    @Test func negotiationBounds() {
        let policy = SessionTimerPolicy(sessionExpiresSeconds: 600, minSESeconds: 90)
        #expect(policy.negotiate(invite([(.sessionExpires, "60")])) == .tooSmall(minSE: 90))
        #expect(policy.negotiate(invite([(.sessionExpires, "89"), (.minSE, "30")])) == .tooSmall(minSE: 90))
        // Lowered to our Session-Expires, never below the request's Min-SE.
        guard case let .accept(a) = policy.negotiate(invite([(.sessionExpires, "1800")])) else { Issue.record("accept"); return }
        #expect(a.intervalSeconds == 600)
        guard case let .accept(b) = policy.negotiate(invite([(.sessionExpires, "1800"), (.minSE, "1000")])) else { Issue.record("accept"); return }
        #expect(b.intervalSeconds == 1_000)
        guard case let .accept(c) = policy.negotiate(invite([(.sessionExpires, "300")])) else { Issue.record("accept"); return }
        #expect(c.intervalSeconds == 300)
        #expect(SessionTimerPolicy(minSESeconds: 2).negotiate(invite([(.sessionExpires, "3")])) != .tooSmall(minSE: 2))
        #expect(SessionTimerPolicy(enabled: false).negotiate(invite([(.sessionExpires, "60")])) == .none)
        #expect(policy.negotiate(invite([(.sessionExpires, "abc")])) == .none)
    }

    @Test func headerRefresherIsRelativeToTheTransaction() {
        let weRefresh = SessionTimer(intervalSeconds: 90, refresher: .uas, weRefresh: true)
        #expect(weRefresh.headerValue(weAreUAC: false) == "90;refresher=uas")
        #expect(weRefresh.headerValue(weAreUAC: true) == "90;refresher=uac")
        let peerRefreshes = SessionTimer(intervalSeconds: 90, refresher: .uac, weRefresh: false)
        #expect(peerRefreshes.headerValue(weAreUAC: false) == "90;refresher=uac")
        #expect(peerRefreshes.headerValue(weAreUAC: true) == "90;refresher=uas")
    }
}
