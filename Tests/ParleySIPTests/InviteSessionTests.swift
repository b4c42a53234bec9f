import Testing
@testable import ParleySIP

private let botContact = SIPURI(user: "bot", host: "127.0.0.1", port: 5060)
private func via(_ branch: String) -> SIPVia { SIPVia(transport: "UDP", host: "127.0.0.1", port: 5060, branch: branch) }

private func incomingInvite() -> SIPMessage {
    var m = Sample.request(.invite, cseq: 10)
    m.add(.contact, "<sip:caller@192.0.2.10:5070>")
    m.add(.recordRoute, "<sip:proxy2.example.com;lr>")
    m.add(.recordRoute, "<sip:proxy1.example.com;lr>")
    return m
}

private func only<T>(_ actions: [InviteSession.Action], _ pick: (InviteSession.Action) -> T?) -> [T] {
    actions.compactMap(pick)
}

private func responses(_ a: [InviteSession.Action]) -> [SIPMessage] {
    only(a) { if case let .sendResponse(m) = $0 { m } else { nil } }
}

private func requests(_ a: [InviteSession.Action]) -> [SIPMessage] {
    only(a) { if case let .sendRequest(m) = $0 { m } else { nil } }
}

@Suite struct InviteSessionUASTests {
    @Test func inviteRingAnswerAckAndRemoteBye() throws {
        var s = InviteSession(role: .uas, localTag: "bot1", localContact: botContact)
        let invite = incomingInvite()
        #expect(s.handle(.incomingInvite(invite)).isEmpty)
        let ring = responses(s.handle(.ring(statusCode: 180, body: [], contentType: nil)))
        #expect(ring.first?.statusCode == 180)
        #expect(ring.first?.to?.tag == "bot1")
        #expect(ring.first?.recordRoutes.count == 2)
        #expect(s.state == .early)
        let answer = s.handle(.answer(body: Array("v=0\r\n".utf8), contentType: "application/sdp", extraHeaders: []))
        let ok = try #require(responses(answer).first)
        #expect(ok.statusCode == 200)
        #expect(ok.contacts.first?.uri == botContact)
        #expect(ok.contentType == "application/sdp")
        #expect(answer.contains(.retransmitUntilAck(ok)))
        #expect(s.state == .waitingForAck)
        var ack = Sample.request(.ack, branch: "z9hG4bKack", cseq: 10)
        ack.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
        let established = s.handle(.ack(ack))
        #expect(established.contains(.stopRetransmission))
        #expect(established.contains(.established(DialogID(callID: "call-1@example.com", localTag: "bot1", remoteTag: "from1"))))
        var bye = Sample.request(.bye, branch: "z9hG4bKbye", cseq: 11)
        bye.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
        let end = s.handle(.request(bye))
        #expect(responses(end).map(\.statusCode) == [200])
        #expect(end.contains(.ended(.remoteBye)))
        #expect(s.state == .terminated)
    }

    @Test func cancelBeforeAnswer() {
        var s = InviteSession(role: .uas, localTag: "bot1", localContact: botContact)
        let invite = incomingInvite()
        _ = s.handle(.incomingInvite(invite))
        _ = s.handle(.ring(statusCode: 180, body: [], contentType: nil))
        var cancel = invite
        cancel.startLine = .request(method: .cancel, uri: invite.requestURIText!, version: "SIP/2.0")
        cancel.set(.cseq, "10 CANCEL")
        let a = s.handle(.cancel(cancel))
        #expect(responses(a).map(\.statusCode) == [200, 487])
        #expect(responses(a).map { $0.cseq?.method } == [.cancel, .invite])
        #expect(a.contains(.ended(.cancelled)))
        // A CANCEL after the end still gets 200, nothing else.
        #expect(responses(s.handle(.cancel(cancel))).map(\.statusCode) == [200])
    }

    @Test func localHangupBuildsByeAlongRouteSet() throws {
        var s = InviteSession(role: .uas, localTag: "bot1", localContact: botContact)
        _ = s.handle(.incomingInvite(incomingInvite()))
        _ = s.handle(.answer(body: [], contentType: nil, extraHeaders: []))
        var ack = Sample.request(.ack, cseq: 10)
        ack.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
        _ = s.handle(.ack(ack))
        let bye = try #require(requests(s.handle(.hangup(via: via("z9hG4bKb1")))).first)
        #expect(bye.method == .bye)
        #expect(bye.requestURIText == "sip:caller@192.0.2.10:5070")
        #expect(bye.routes.map(\.uri.host) == ["proxy2.example.com", "proxy1.example.com"])
        #expect(bye.from?.tag == "bot1")
        #expect(bye.to?.tag == "from1")
        #expect(bye.cseq == SIPCSeq(2, .bye))
        #expect(s.state == .terminating)
        let end = s.handle(.response(SIPMessage.response(to: bye, statusCode: 200), via: via("z9hG4bKx")))
        #expect(end == [.ended(.localBye)])
    }

    @Test func reinviteGlare491AndTargetRefresh() throws {
        var s = InviteSession(role: .uas, localTag: "bot1", localContact: botContact)
        _ = s.handle(.incomingInvite(incomingInvite()))
        _ = s.handle(.answer(body: [], contentType: nil, extraHeaders: []))
        var ack = Sample.request(.ack, cseq: 10)
        ack.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
        _ = s.handle(.ack(ack))
        var reinvite = Sample.request(.invite, branch: "z9hG4bKre", cseq: 11)
        reinvite.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
        reinvite.add(.contact, "<sip:caller@192.0.2.99>")
        #expect(s.handle(.request(reinvite)) == [.requestReceived(reinvite)])
        var second = reinvite
        second.set(.cseq, "12 INVITE")
        second.set(.via, "SIP/2.0/UDP client.example.com:5060;branch=z9hG4bKre2")
        #expect(responses(s.handle(.request(second))).map(\.statusCode) == [491])
        let a = s.handle(.respond(to: reinvite, statusCode: 200, body: Array("v=0\r\n".utf8), contentType: "application/sdp"))
        #expect(responses(a).first?.statusCode == 200)
        #expect(s.dialog?.remoteTarget.host == "192.0.2.99")
        // out-of-order CSeq
        var old = Sample.request(.info, branch: "z9hG4bKold", cseq: 5)
        old.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
        #expect(responses(s.handle(.request(old))).map(\.statusCode) == [500])
        // unknown dialog
        var stray = Sample.request(.bye, branch: "z9hG4bKst", cseq: 20)
        stray.set(.to, "<sip:bot@127.0.0.1>;tag=other")
        #expect(responses(s.handle(.request(stray))).map(\.statusCode) == [481])
    }

    @Test func infoDtmfAndReferAreDeliveredToTheTU() throws {
        var s = InviteSession(role: .uas, localTag: "bot1", localContact: botContact)
        _ = s.handle(.incomingInvite(incomingInvite()))
        _ = s.handle(.answer(body: [], contentType: nil, extraHeaders: []))
        var info = Sample.request(.info, branch: "z9hG4bKi", cseq: 11)
        info.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
        info.add(.contentType, DTMFRelay.contentType)
        info.body = Array("Signal=5\r\nDuration=160\r\n".utf8)
        #expect(s.handle(.request(info)) == [.requestReceived(info)])
        #expect(DTMFRelay(body: info.body) == DTMFRelay(signal: "5", durationMs: 160))
        #expect(DTMFRelay(body: Array("Signal=x\r\n".utf8)) == nil)
        #expect(responses(s.handle(.respond(to: info, statusCode: 200, body: [], contentType: nil))).map(\.statusCode) == [200])
    }
}

@Suite struct InviteSessionUACTests {
    func outgoing() -> SIPMessage {
        var m = Sample.request(.invite, branch: "z9hG4bKout", cseq: 1)
        m.set(.from, "<sip:bot@127.0.0.1>;tag=uac1")
        m.set(.to, "<sip:+15550100@trunk.example.com>")
        m.add(.contact, "<sip:bot@127.0.0.1:5060>")
        return m
    }

    @Test func earlyThenConfirmedWithAck() throws {
        var s = InviteSession(role: .uac, localTag: "uac1", localContact: botContact)
        let invite = outgoing()
        #expect(requests(s.handle(.outgoingInvite(invite))) == [invite])
        var ringing = SIPMessage.response(to: invite, statusCode: 180, toTag: "peer9")
        ringing.add(.contact, "<sip:peer@192.0.2.50>")
        _ = s.handle(.response(ringing, via: via("z9hG4bKa1")))
        #expect(s.state == .early)
        var ok = SIPMessage.response(to: invite, statusCode: 200, toTag: "peer9")
        ok.add(.contact, "<sip:peer@192.0.2.51>")
        ok.add(.recordRoute, "<sip:p2.example.com;lr>")
        ok.add(.recordRoute, "<sip:p1.example.com;lr>")
        let a = s.handle(.response(ok, via: via("z9hG4bKa2")))
        let ack = try #require(only(a) { if case let .sendAck(m) = $0 { m } else { nil } }.first)
        #expect(ack.cseq == SIPCSeq(1, .ack))
        #expect(ack.requestURIText == "sip:peer@192.0.2.51")
        #expect(ack.routes.map(\.uri.host) == ["p1.example.com", "p2.example.com"])
        #expect(ack.to?.tag == "peer9")
        #expect(a.contains(.established(DialogID(callID: "call-1@example.com", localTag: "uac1", remoteTag: "peer9"))))
        // retransmitted 2xx → ACK again
        let again = s.handle(.response(ok, via: via("z9hG4bKa3")))
        #expect(only(again) { if case .sendAck = $0 { true } else { nil } }.count == 1)
        // next request takes CSeq 2
        let bye = try #require(requests(s.handle(.hangup(via: via("z9hG4bKb")))).first)
        #expect(bye.cseq == SIPCSeq(2, .bye))
    }

    @Test func failureAndCancel() throws {
        var s = InviteSession(role: .uac, localTag: "uac1", localContact: botContact)
        let invite = outgoing()
        _ = s.handle(.outgoingInvite(invite))
        let cancel = try #require(requests(s.handle(.cancelOutgoing)).first)
        #expect(cancel.method == .cancel)
        #expect(cancel.topVia?.branch == "z9hG4bKout")
        #expect(cancel.cseq == SIPCSeq(1, .cancel))
        let a = s.handle(.response(SIPMessage.response(to: invite, statusCode: 487, toTag: "p"), via: via("z9hG4bKc")))
        #expect(a.contains(.ended(.cancelled)))
        var t = InviteSession(role: .uac, localTag: "uac1", localContact: botContact)
        _ = t.handle(.outgoingInvite(invite))
        #expect(t.handle(.response(SIPMessage.response(to: invite, statusCode: 486, toTag: "p"), via: via("z9hG4bKd"))).contains(.ended(.failed(statusCode: 486))))
    }
}

@Suite struct DialogHelpersTests {
    @Test func strictRouteGoesToRequestURI() throws {
        var invite = incomingInvite()
        invite.set(.recordRoute, "<sip:strict.example.com>")
        var d = try #require(Dialog.uas(request: invite, localTag: "t"))
        let m = d.makeRequest(.bye, via: via("z9hG4bKs"))
        #expect(m.requestURIText == "sip:strict.example.com")
        #expect(m.routes.last?.uri.host == "192.0.2.10")
    }

    @Test func optionsAnswersAndDrains() {
        let options = Sample.request(.options)
        var responder = OptionsResponder()
        let ok = responder.response(to: options, toTag: "o1")
        #expect(ok.statusCode == 200)
        #expect(ok.tokens(.allow).contains("INVITE"))
        #expect(ok.tokens(.accept).contains("application/sdp"))
        #expect(ok.tokens(.supported).contains("timer"))
        responder.draining = true
        let busy = responder.response(to: options, toTag: "o1")
        #expect(busy.statusCode == 503)
        #expect(busy.value(.retryAfter) == "30")
        #expect(SIPMessage.unknownDialog(options, toTag: "x").statusCode == 481)
    }

    @Test func sessionTimerNegotiation() {
        var invite = incomingInvite()
        invite.add(.sessionExpires, "1800;refresher=uas")
        invite.add(.supported, "timer")
        guard case let .accept(timer) = SessionTimer.negotiate(request: invite) else { Issue.record("expected accept"); return }
        #expect(timer.weRefresh)
        #expect(timer.sessionExpiresHeader == "1800;refresher=uas")
        #expect(timer.handle(.start) == [.startTimer(delayMs: 900_000)])
        #expect(timer.handle(.timerFired) == [.sendRefresh, .startTimer(delayMs: 900_000)])
        invite.set(.sessionExpires, "1800;refresher=uac")
        guard case let .accept(other) = SessionTimer.negotiate(request: invite) else { Issue.record("expected accept"); return }
        #expect(!other.weRefresh)
        #expect(other.handle(.timerFired) == [.expire])
        #expect(other.delayMs == (1800 - 32) * 1000)
        invite.set(.sessionExpires, "60")
        #expect(SessionTimer.negotiate(request: invite) == .tooSmall(minSE: 90))
        #expect(SessionTimer.negotiate(request: incomingInvite()) == .none)
    }

    @Test func referAndSipfrag() throws {
        var refer = Sample.request(.refer)
        refer.add(.referTo, "<sip:agent@pbx.example.com>")
        #expect(Refer.target(of: refer)?.uri.user == "agent")
        let progress = Refer.notifyContent(statusCode: 100, referCSeq: 3)
        #expect(progress.headers.first?.value == "refer;id=3")
        #expect(progress.headers.last?.value.hasPrefix("active") == true)
        let done = Refer.notifyContent(statusCode: 200)
        #expect(String(decoding: done.body, as: UTF8.self) == "SIP/2.0 200 OK\r\n")
        #expect(done.headers.last?.value == "terminated;reason=noresource")
        #expect(Refer.sipfragStatus(done.body)?.statusCode == 200)
        #expect(Refer.sipfragStatus(Array("garbage".utf8)) == nil)
    }
}

@Suite struct InDialogSendTests {
    @Test func notifyAfterReferAndUpdate() throws {
        var s = InviteSession(role: .uas, localTag: "bot1", localContact: botContact)
        _ = s.handle(.incomingInvite(incomingInvite()))
        _ = s.handle(.answer(body: [], contentType: nil, extraHeaders: []))
        var ack = Sample.request(.ack, cseq: 10)
        ack.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
        _ = s.handle(.ack(ack))
        let content = Refer.notifyContent(statusCode: 200, referCSeq: 11)
        let notify = try #require(requests(s.handle(.send(.notify, via: via("z9hG4bKn"), body: content.body,
                                                           contentType: content.contentType, extraHeaders: content.headers))).first)
        #expect(notify.method == .notify)
        #expect(notify.value(.event) == "refer;id=11")
        #expect(notify.contentType == "message/sipfrag;version=2.0")
        #expect(notify.cseq == SIPCSeq(2, .notify))
        let update = try #require(requests(s.handle(.send(.update, via: via("z9hG4bKu"), body: Array("v=0\r\n".utf8),
                                                           contentType: "application/sdp", extraHeaders: []))).first)
        #expect(update.cseq == SIPCSeq(3, .update))
        #expect(update.contacts.first?.uri == botContact)
        #expect(SIPParser().parse(update.serialized()).message?.body == Array("v=0\r\n".utf8))
    }
}

@Suite struct HangupBeforeAckTests {
    @Test func byeWaitsForTheAck() {
        var s = InviteSession(role: .uas, localTag: "bot1", localContact: botContact)
        _ = s.handle(.incomingInvite(incomingInvite()))
        _ = s.handle(.answer(body: [], contentType: nil, extraHeaders: []))
        #expect(s.handle(.hangup(via: via("z9hG4bKh"))).isEmpty)
        var ack = Sample.request(.ack, cseq: 10)
        ack.set(.to, "<sip:bot@127.0.0.1>;tag=bot1")
        let a = s.handle(.ack(ack))
        #expect(requests(a).map(\.method) == [.bye])
        #expect(s.state == .terminating)
    }
}
