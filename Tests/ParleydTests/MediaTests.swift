import Foundation
import Testing

extension ParleydEndToEnd {
    /// Issue 4's SIPp tests against parleyd: codec negotiation (μ-law, A-law), RFC 4733 digits
    /// reaching the dialogue exactly once, and the media timeout.
    @Suite struct MediaTests {
        /// Three concurrent calls to one daemon: PCMU only, PCMA only (rtp_stream silence, caller
        /// hangs up after 3 s) and a DTMF "1" during the offer. parleyd answers each with the
        /// offered codec and sends its prompt in it; the digit takes the call to the sending path.
        @Test func codecsAndDTMF() throws {
            let hooks = try WebhookServer(statuses: ["*": 200])
            var settings = DaemonSettings()
            settings.webhooks = DemoCall.webhooks(hooks)
            let daemon = try Daemon(settings)
            try daemon.start()
            defer { daemon.stop() }
            let capture = try LoopbackCapture(ports: daemon.rtpPorts)

            let dtmfAtMs = try DemoCall.greetingMs() + 1500
            let dtmf = try SIPpRun(scenario: "uac_dtmf_1.xml", target: daemon.sipTarget,
                                   keys: ["dtmf_at_ms": "\(dtmfAtMs)"], timeoutSeconds: 50)
            let pcmu = try SIPpRun(scenario: "uac_pcmu.xml", target: daemon.sipTarget, keys: ["hold_ms": "3000"], timeoutSeconds: 20)
            let pcma = try SIPpRun(scenario: "uac_pcma.xml", target: daemon.sipTarget, keys: ["hold_ms": "3000"], timeoutSeconds: 20)
            let pcmuResult = pcmu.finish(), pcmaResult = pcma.finish(), dtmfResult = dtmf.finish()
            for r in [pcmuResult, pcmaResult, dtmfResult] {
                #expect(r.succeeded, "\(r)\n--- parleyd:\n\(daemon.log.suffix(2000))")
            }

            // SDP answers: the offered codec first.
            #expect(pcmuResult.values("answer_pt") == ["0"], "PCMU call answer: \(pcmuResult.values("mline"))")
            #expect(pcmaResult.values("answer_pt") == ["8"], "PCMA call answer: \(pcmaResult.values("mline"))")

            // What parleyd actually sent on each call's RTP port.
            let packets = try capture.packetsFromDaemon()
            let summary = capture.streamSummary()
            if let port = DemoCall.answerPort(pcmuResult) {
                let mine = packets.filter { $0.sourcePort == port }
                #expect(!mine.isEmpty && mine.allSatisfy { $0.payloadType == 0 || $0.payloadType == 101 || $0.payloadType == 96 },
                        "PCMU call: payload types \(Set(mine.map(\.payloadType)))\n\(summary)")
                let stream = PromptAudio.stream(packets, sourcePort: port, payloadType: 0)
                let greeting = PromptAudio.coverage(of: try PromptAudio.prompt(DemoCall.greeting), in: stream)
                // 3 s of a 4.6 s greeting: its first half at least, byte for byte.
                #expect(greeting.foundPackets >= greeting.voicedPackets / 3, "PCMU greeting: \(greeting)")
                print("figure: PCMU call: \(mine.count) packets from parleyd, greeting \(greeting)")
            } else {
                Issue.record("PCMU call: no SDP answer port")
            }
            if let port = DemoCall.answerPort(pcmaResult) {
                let mine = packets.filter { $0.sourcePort == port }
                #expect(!mine.isEmpty && mine.allSatisfy { $0.payloadType == 8 || $0.payloadType == 101 || $0.payloadType == 96 },
                        "PCMA call: payload types \(Set(mine.map(\.payloadType)))\n\(summary)")
                let voiced = PromptAudio.voicedALawPackets(PromptAudio.stream(packets, sourcePort: port, payloadType: 8))
                #expect(voiced >= 40, "PCMA call: \(voiced) packets with sound in 3 s of greeting")
                print("figure: PCMA call: \(mine.count) packets from parleyd, \(voiced) with sound")
            } else {
                Issue.record("PCMA call: no SDP answer port")
            }

            // DTMF 1 in the offer → sending → coupon_sent; one dtmf event for one key press.
            #expect(dtmfResult.values("disposition") == ["coupon_sent"], "DTMF call BYE: \(dtmfResult.logLines)")
            let store = StoreReader(path: daemon.storePath)
            let sipCallID = try #require(dtmfResult.values("sip_call_id").first)
            let call = try store.query("SELECT * FROM calls WHERE sip_call_id = \(sqlLiteral(sipCallID))")
            try #require(call.count == 1, "calls: \(store.dump())")
            let callID = try #require(StoreReader.string(call[0], "call_id"))
            #expect(StoreReader.string(call[0], "disposition") == "coupon_sent")
            let events = try store.query("SELECT * FROM events WHERE call_id = \(sqlLiteral(callID)) AND kind = 'dtmf'")
            #expect(events.count == 1, "dtmf events: \(events)")
            #expect(events.allSatisfy { (StoreReader.string($0, "json") ?? "").contains("\"1\"") }, "dtmf events: \(events)")
            #expect(hooks.requests(path: "/coupons").count == 1)
            print("figure: DTMF call: \(events.count) dtmf event(s) for one key press, disposition \(StoreReader.string(call[0], "disposition") ?? "-")")
            // The codec calls ended by the caller's BYE.
            for r in [pcmuResult, pcmaResult] {
                guard let id = r.values("sip_call_id").first else { continue }
                let rows = try store.query("SELECT disposition FROM calls WHERE sip_call_id = \(sqlLiteral(id))")
                #expect(rows.count == 1 && StoreReader.string(rows[0], "disposition") == "hung_up", "\(rows)")
            }
        }

        /// A caller that sends no RTP at all: parleyd ends the call after media.timeout_s with a
        /// BYE naming media_timeout, and the store says so. The INVITE carries no
        /// X-Parley-Var headers: both required variables are defaulted, each with an event.
        @Test func callerSendingNoRTPEndsByMediaTimeout() throws {
            var settings = DaemonSettings()
            settings.mediaTimeoutSeconds = 2
            let daemon = try Daemon(settings)
            try daemon.start()
            defer { daemon.stop() }

            let start = Date()
            let sipp = try SIPpRun(scenario: "uac_silent.xml", target: daemon.sipTarget, timeoutSeconds: 30)
            let result = sipp.finish()
            let elapsed = Date().timeIntervalSince(start)
            #expect(result.succeeded, "\(result)\n--- parleyd:\n\(daemon.log.suffix(2000))")
            #expect(result.values("disposition") == ["media_timeout"], "BYE: \(result.logLines)")
            #expect(elapsed >= 2, "ended after \(elapsed) s, before the 2 s media timeout")
            let rows = try StoreReader(path: daemon.storePath).calls()
            #expect(rows.count == 1 && StoreReader.string(rows[0], "disposition") == "media_timeout", "calls: \(rows)")
            let callID = rows.first.flatMap { StoreReader.string($0, "call_id") } ?? ""
            let defaulted = try StoreReader(path: daemon.storePath)
                .query("SELECT json FROM events WHERE call_id = \(sqlLiteral(callID)) AND kind = 'variable_defaulted'")
                .compactMap { StoreReader.string($0, "json") }
            #expect(defaulted.count == 2 && defaulted.contains { $0.contains("coupon_value") } && defaulted.contains { $0.contains("name") },
                    "variable_defaulted events: \(defaulted)")
            print("figure: media timeout 2 s: BYE \(result.values("disposition")) after \(String(format: "%.1f", elapsed)) s")
        }
    }
}
