import Foundation
import ParleySIP
import Testing

/// Session timers (RFC 4028) against SIPp on 127.0.0.1, with Min-SE lowered to 2 s so the
/// scenarios take seconds: Session-Expires 4 s means expiry 3 s after the last refresh.
@Suite(.serialized)
struct SessionTimerSIPpTests {
    func harness() throws -> StackHarness {
        try StackHarness { $0.sessionTimer = SessionTimerPolicy(sessionExpiresSeconds: 1_800, minSESeconds: 2) }
    }

    func run(_ h: StackHarness, _ scenario: String, timeoutSeconds: Double = 20) throws -> SIPp.Run {
        try SIPp.run(["-sf", try SIPp.scenario(scenario), "127.0.0.1:\(h.udpAddress.port)", "-i", "127.0.0.1",
                      "-m", "1", "-l", "1"], timeoutSeconds: timeoutSeconds)
    }

    func expectSuccess(_ run: SIPp.Run) {
        #expect(!run.timedOut)
        #expect(run.status == 0, "SIPp failed:\n\(run.output)\n\(run.errors)")
    }

    @Test func uacRefreshesByUpdateAndReinviteAndTheCallOutlivesTheInterval() throws {
        let h = try harness()
        defer { h.shutdown() }
        let started = Date()
        expectSuccess(try run(h, "uac_session_timer_refresh.xml"))
        #expect(Date().timeIntervalSince(started) > 4, "the call must outlast one session interval")
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 1 })
        #expect(h.ua.endReasons() == [.remoteBye])
        // The bodiless UPDATEs were answered by the session; only the re-INVITE reached the TU.
        #expect(h.ua.count { if case let .requestReceived(r) = $0 { r.method == .update } else { false } } == 0)
        #expect(h.ua.count { if case let .requestReceived(r) = $0 { r.method == .invite } else { false } } == 1)
    }

    @Test func uacThatDoesNotRefreshGetsOurByeAndTheCallEndsSessionExpired() throws {
        let h = try harness()
        defer { h.shutdown() }
        let started = Date()
        expectSuccess(try run(h, "uac_session_timer_expire.xml"))
        let elapsed = Date().timeIntervalSince(started)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 1 })
        #expect(h.ua.endReasons() == [.sessionExpired])
        // 4 s − min(32, 4/3) = 3 s after the 2xx; SIPp exits once it answered our BYE.
        #expect(elapsed >= 2.9, "BYE came too early: \(elapsed) s")
    }

    @Test func parleyAsRefresherSendsUpdatesAtHalfTheInterval() throws {
        let h = try harness()
        defer { h.shutdown() }
        let started = Date()
        // SIPp names us refresher and allows UPDATE: it waits for two UPDATEs (at ~2 s and ~4 s)
        // carrying Session-Expires: 4;refresher=uac, answers them, then sends BYE.
        expectSuccess(try run(h, "uac_session_timer_parley_refreshes.xml"))
        #expect(Date().timeIntervalSince(started) >= 3.9)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 1 })
        #expect(h.ua.endReasons() == [.remoteBye])
        // The refreshes and their 200s stay inside the session.
        #expect(h.ua.count { if case .responseReceived = $0 { true } else { false } } == 0)
    }

    @Test func outboundInviteRetriedWithTheMinSEOfA422() throws {
        let h = try harness()
        defer { h.shutdown() }
        let port = try freeUDPPort()
        let run = try SIPp.run(["-sf", try SIPp.scenario("uas_session_422.xml"), "-i", "127.0.0.1", "-p", "\(port)", "-m", "1"],
                               timeoutSeconds: 15) {
            _ = waitUntil(timeoutSeconds: 5) { udpPortIsBound(port) }
            _ = h.sync { stack -> SIPCallHandle? in
                let call = stack.invite(SIPOutboundCall(
                    requestURI: SIPURI(user: "uac-hangup", host: "127.0.0.1", port: Int(port)),
                    from: SIPNameAddress(uri: SIPURI(user: "bot", host: "127.0.0.1")),
                    to: SIPNameAddress(uri: SIPURI(user: "callee", host: "127.0.0.1")),
                    extraHeaders: [SIPMessage.Header(.sessionExpires, "90;refresher=uac"),
                                   SIPMessage.Header(.supported, "timer")]))
                if let call { h.ua.policy[call] = "uac-hangup" }
                return call
            }
        }
        expectSuccess(run)
        #expect(waitUntil(timeoutSeconds: 5) { h.ua.endReasons().count == 1 })
        #expect(h.ua.endReasons() == [.localBye])
        #expect(h.ua.count { if case .established = $0 { true } else { false } } == 1)
    }

    @Test func intervalBelowMinSEGets422WithMinSE() throws {
        let h = try harness()
        defer { h.shutdown() }
        expectSuccess(try run(h, "uac_session_timer_422.xml"))
        #expect(h.stackCounters.sessionIntervalTooSmall == 1)
        #expect(h.ua.log.withLock { $0.incoming.count } == 0, "a 422 is not a call")
    }
}
