import Foundation
import ParleyRealtime
import ParleySDP
import ParleySIP
import Testing

/// SIPp (`sip-tester`) as an independent peer on 127.0.0.1.
@Suite(.serialized)
struct SIPpTests {
    func sippUAC(_ harness: StackHarness, scenario: [String], calls: Int, rate: Int = 10) throws -> SIPp.Run {
        try SIPp.run(scenario + ["127.0.0.1:\(harness.udpAddress.port)", "-i", "127.0.0.1", "-m", "\(calls)",
                                 "-r", "\(rate)", "-l", "\(calls)"], timeoutSeconds: 20)
    }

    func expectSuccess(_ run: SIPp.Run) {
        #expect(!run.timedOut)
        #expect(run.status == 0, "SIPp failed:\n\(run.output)\n\(run.errors)")
    }

    @Test func builtInUACCallsSucceedWithBYEFromSIPp() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let run = try sippUAC(h, scenario: ["-sn", "uac"], calls: 10)
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 10 })
        #expect(h.ua.endReasons().allSatisfy { $0 == .remoteBye })
        #expect(h.ua.count { if case .established = $0 { true } else { false } } == 10)
        #expect(h.transportCounters.refusedNonLoopbackSends == 0)
    }

    @Test func byeFromParley() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let run = try sippUAC(h, scenario: ["-sf", try SIPp.scenario("uac_bye_from_parley.xml")], calls: 3)
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 3 })
        #expect(h.ua.endReasons().allSatisfy { $0 == .localBye })
    }

    @Test func cancelBeforeAnswerGets487() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let run = try sippUAC(h, scenario: ["-sf", try SIPp.scenario("uac_cancel.xml")], calls: 3)
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 3 })
        #expect(h.ua.endReasons().allSatisfy { $0 == .cancelled })
    }

    @Test func reinviteHoldAndUnhold() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let run = try sippUAC(h, scenario: ["-sf", try SIPp.scenario("uac_reinvite_hold.xml")], calls: 2)
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 2 })
        let directions = h.ua.log.withLock { $0.negotiated.map(\.direction) }
        // Per call: initial sendrecv, hold (peer sendonly → we recvonly), unhold sendrecv.
        #expect(directions.filter { $0 == .recvonly }.count == 2, "\(directions)")
        #expect(directions.filter { $0 == .sendrecv }.count == 4, "\(directions)")
    }

    @Test func infoDTMFRelay() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let run = try sippUAC(h, scenario: ["-sf", try SIPp.scenario("uac_info_dtmf.xml")], calls: 1)
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 1 })
        #expect(h.ua.log.withLock { $0.digits } == ["5", "#"])
    }

    @Test func referWithNotifySipfrag() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let run = try sippUAC(h, scenario: ["-sf", try SIPp.scenario("uac_refer_notify.xml")], calls: 1)
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 1 })
        // The NOTIFY's 200 came back to the stack as a response to our in-dialog request.
        #expect(h.ua.count { if case let .responseReceived(r) = $0 { r.cseq?.method == .notify && r.statusCode == 200 } else { false } } == 1)
    }

    /// The RFC 2617 response (no qop) alice/secret owes the 407 of `uas_proxy_auth.xml`,
    /// computed with coreutils' md5sum, independently of Parley's digest code.
    func expectedDigest(port: UInt16) throws -> String {
        let ha1 = try md5sum("alice:trunk.test:secret")
        let ha2 = try md5sum("INVITE:sip:uac-hangup@127.0.0.1:\(port)")
        return try md5sum("\(ha1):n0nce1:\(ha2)")
    }

    func placeCall(_ h: StackHarness, to port: UInt16, password: String) -> SIPCallHandle? {
        h.sync { stack in
            var oa = OfferAnswer(configuration: .init(localAddress: "127.0.0.1", localRTPPort: 40_002, sessionID: 7))
            var offer: [UInt8] = []
            for case let .sendOffer(sdp) in oa.handle(.makeOffer(direction: .sendrecv)) { offer = Array(sdp.text.utf8) }
            let call = stack.invite(SIPOutboundCall(
                requestURI: SIPURI(user: "uac-hangup", host: "127.0.0.1", port: Int(port)),
                from: SIPNameAddress(uri: SIPURI(user: "bot", host: "127.0.0.1")),
                to: SIPNameAddress(uri: SIPURI(user: "callee", host: "127.0.0.1")),
                body: offer, contentType: "application/sdp",
                credentials: SIPCredentials(username: "alice", password: password)))
            if let call { h.ua.policy[call] = "uac-hangup" }
            return call
        }
    }

    @Test func parleyAsUACAuthenticatesAgainst407() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let port = try freeUDPPort()
        var call: SIPCallHandle?
        let run = try SIPp.run(["-sf", try SIPp.scenario("uas_proxy_auth.xml"), "-i", "127.0.0.1", "-p", "\(port)", "-m", "1",
                                "-set", "expected", try expectedDigest(port: port)],
                               timeoutSeconds: 15) {
            _ = waitUntil(timeoutSeconds: 5) { udpPortIsBound(port) }
            call = placeCall(h, to: port, password: "secret")
        }
        expectSuccess(run)
        #expect(call != nil)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 1 })
        #expect(h.ua.endReasons() == [.localBye])
        #expect(h.ua.count { if case .challenged(407) = $0 { true } else { false } } == 1)
    }

    @Test func wrongPasswordFailsWithFinalStatus() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let port = try freeUDPPort()
        let run = try SIPp.run(["-sf", try SIPp.scenario("uas_proxy_auth.xml"), "-i", "127.0.0.1", "-p", "\(port)", "-m", "1",
                                "-set", "expected", try expectedDigest(port: port)],
                               timeoutSeconds: 15) {
            _ = waitUntil(timeoutSeconds: 5) { udpPortIsBound(port) }
            _ = placeCall(h, to: port, password: "wrong")
        }
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 1 })
        #expect(h.ua.endReasons() == [.failed(statusCode: 407)])
    }

    @Test func parleyAsUACAuthenticatesAgainst401() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let port = try freeUDPPort()
        let run = try SIPp.run(["-sf", try SIPp.scenario("uas_www_auth.xml"), "-i", "127.0.0.1", "-p", "\(port)", "-m", "1"],
                               timeoutSeconds: 15) {
            _ = waitUntil(timeoutSeconds: 5) { udpPortIsBound(port) }
            _ = placeCall(h, to: port, password: "secret")
        }
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 1 })
        #expect(h.ua.endReasons() == [.localBye])
        #expect(h.ua.count { if case .challenged(401) = $0 { true } else { false } } == 1)
    }

    @Test func builtInUACOverTCP() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let run = try SIPp.run(["-sn", "uac", "-t", "t1", "127.0.0.1:\(h.tcpAddress.port)", "-i", "127.0.0.1",
                                "-m", "5", "-r", "10", "-l", "5"], timeoutSeconds: 20)
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 5 })
        #expect(h.ua.endReasons().allSatisfy { $0 == .remoteBye })
        #expect(h.transportCounters.tcpAccepted >= 1)
    }

    @Test func builtInUACOverIPv6() throws {
        let h = try StackHarness(host: "::1")
        defer { h.shutdown() }
        let run = try SIPp.run(["-sn", "uac", "[::1]:\(h.udpAddress.port)", "-i", "::1", "-m", "3", "-r", "10", "-l", "3"],
                               timeoutSeconds: 20)
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 3 })
        #expect(h.ua.endReasons().allSatisfy { $0 == .remoteBye })
    }
}
