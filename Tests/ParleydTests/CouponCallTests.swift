import Foundation
import Testing

extension ParleydEndToEnd {
    /// The demo's happy path and barge-in, one SIPp call each (issue 8, "Must show" 1 and 2).
    @Suite struct CouponCallTests {
        /// After the greeting and the whole offer, the caller says "yes": the call reaches
        /// coupon_sent, both webhooks arrive with their idempotency keys, the `calls` row has the
        /// disposition and tag, and the BYE carries the disposition.
        @Test func yesAfterTheOfferSendsTheCoupon() throws {
            let hooks = try WebhookServer(statuses: ["*": 200])
            var settings = DaemonSettings()
            settings.webhooks = DemoCall.webhooks(hooks)
            let daemon = try Daemon(settings)
            try daemon.start()
            defer { daemon.stop() }
            let capture = try LoopbackCapture(ports: daemon.rtpPorts)

            let speakAtMs = try DemoCall.greetingMs() + DemoCall.longestOfferMs() + 1500
            let sipp = try SIPpRun(scenario: "uac_say_yes.xml", target: daemon.sipTarget,
                                   keys: ["speak_at_ms": "\(speakAtMs)"], timeoutSeconds: 60)
            let result = sipp.finish()
            #expect(result.succeeded, "\(result)\n--- parleyd:\n\(daemon.log.suffix(3000))")

            // The BYE from parleyd names the disposition (contract: both headers).
            #expect(result.values("disposition") == ["coupon_sent"], "X-Parley-Disposition: \(result.logLines)")
            #expect(result.values("reason_text") == ["coupon_sent"], "Reason text: \(result.logLines)")
            #expect(result.values("reason_cause") == ["200"], "Reason cause: \(result.logLines)")

            // The store: one ended call with disposition and tag.
            let store = StoreReader(path: daemon.storePath)
            let rows = try store.query("SELECT * FROM calls WHERE ended_at IS NOT NULL")
            try #require(rows.count == 1, "calls: \(store.dump())")
            let row = rows[0]
            let callID = try #require(StoreReader.string(row, "call_id"))
            #expect(StoreReader.string(row, "disposition") == "coupon_sent")
            #expect(StoreReader.tagNames(row).contains("coupon_sent"), "tags: \(row["tags"] ?? "nil")")
            #expect(StoreReader.string(row, "sip_call_id") == result.values("sip_call_id").first)
            #expect(StoreReader.string(row, "direction") == "inbound")
            #expect(StoreReader.int(row, "answered_at") != nil)

            // The webhooks: send_coupon once (it answered 200), then the call.ended result.
            #expect(waitUntil(timeoutSeconds: 10) { !hooks.requests(path: "/results").isEmpty },
                    "no call.ended result arrived; requests: \(hooks.requests().map(\.path))")
            let coupons = hooks.requests(path: "/coupons")
            #expect(coupons.count == 1, "send_coupon requests: \(coupons.map(\.idempotencyKey))")
            if let coupon = coupons.first {
                #expect(coupon.idempotencyKey == "\(callID):send_coupon:1", "send_coupon key")
                #expect(coupon.contentType?.hasPrefix("application/json") == true)
                let json = coupon.json ?? [:]
                #expect(json["call_id"] as? String == callID, "send_coupon body: \(coupon.body)")
                #expect(json["value"] as? String == "20", "send_coupon body: \(coupon.body)")
                #expect(["a", "b"].contains(json["offer_variant"] as? String ?? ""), "send_coupon body: \(coupon.body)")
            }
            let results = hooks.requests(path: "/results")
            #expect(results.count == 1, "results: \(results.map(\.idempotencyKey))")
            if let ended = results.first {
                #expect(ended.idempotencyKey == "\(callID):call.ended")
                let json = ended.json ?? [:]
                #expect(json["event"] as? String == "call.ended", "body: \(ended.body)")
                #expect(json["call_id"] as? String == callID)
                #expect(json["sip_call_id"] as? String == result.values("sip_call_id").first)
                #expect(json["node_id"] as? String == "e2e")
                #expect(json["direction"] as? String == "inbound")
                #expect(json["script"] as? String == "member-care")
                #expect(json["disposition"] as? String == "coupon_sent")
                #expect((json["tags"] as? [String])?.contains("coupon_sent") == true, "tags: \(json["tags"] ?? "nil")")
                for key in ["variant", "started_at", "answered_at", "ended_at"] {
                    #expect(json[key] != nil, "call.ended lacks \(key): \(ended.body)")
                }
            }

            // The prompts reached SIPp verbatim and whole (PCMU): the greeting and the offer.
            let packets = try capture.packetsFromDaemon()
            let port = try #require(DemoCall.answerPort(result), "no SDP answer port logged: \(result.logLines)")
            let stream = PromptAudio.stream(packets, sourcePort: port, payloadType: 0)
            let greeting = PromptAudio.coverage(of: try PromptAudio.prompt(DemoCall.greeting), in: stream)
            let offer = try DemoCall.bestOfferCoverage(in: stream)
            #expect(greeting.fraction >= 0.9, "greeting: \(greeting); streams:\n\(capture.streamSummary())")
            #expect(offer.coverage.fraction >= 0.9, "offer \(offer.variant): \(offer.coverage)")
            // Not barged in: the caller spoke after the offer; the offer's turn heard "yes".
            let turns = try store.query("SELECT * FROM turns WHERE call_id = \(sqlLiteral(callID)) ORDER BY seq")
            #expect(!turns.contains { StoreReader.int($0, "barged_in") == 1 }, "turns: \(turns)")
            let offerTurn = turns.first { StoreReader.string($0, "state") == "offer" }
            #expect(offerTurn.flatMap { StoreReader.string($0, "intent") } == "yes", "turns: \(turns)")
            // The A/B variant recorded is the one the caller heard.
            let variant = StoreReader.string(row, "variant") ?? ""
            #expect(variant.hasSuffix(offer.variant), "calls.variant '\(variant)', heard offer variant \(offer.variant)")
            print("figure: yes call: greeting \(greeting); offer \(offer.variant) \(offer.coverage); response_ms \(offerTurn.flatMap { StoreReader.int($0, "response_ms") }.map(String.init) ?? "-"); webhooks \(hooks.requests().count)")
        }

        /// The caller speaks 1.5 s into the offer (barge_in: immediate): the offer stops — fewer of
        /// its packets reach SIPp than it is long — and the offer's turn has barged_in = 1.
        @Test func speakingDuringTheOfferStopsIt() throws {
            let hooks = try WebhookServer(statuses: ["*": 200])
            var settings = DaemonSettings()
            settings.webhooks = DemoCall.webhooks(hooks)
            let daemon = try Daemon(settings)
            try daemon.start()
            defer { daemon.stop() }
            let capture = try LoopbackCapture(ports: daemon.rtpPorts)

            let speakAtMs = try DemoCall.greetingMs() + 1500
            let sipp = try SIPpRun(scenario: "uac_barge_in.xml", target: daemon.sipTarget,
                                   keys: ["speak_at_ms": "\(speakAtMs)"], timeoutSeconds: 60)
            let result = sipp.finish()
            #expect(result.succeeded, "\(result)\n--- parleyd:\n\(daemon.log.suffix(3000))")

            let packets = try capture.packetsFromDaemon()
            let port = try #require(DemoCall.answerPort(result), "no SDP answer port logged: \(result.logLines)")
            let stream = PromptAudio.stream(packets, sourcePort: port, payloadType: 0)
            let greeting = PromptAudio.coverage(of: try PromptAudio.prompt(DemoCall.greeting), in: stream)
            let offer = try DemoCall.bestOfferCoverage(in: stream)
            // The greeting played whole (the caller was silent), the offer did not.
            #expect(greeting.fraction >= 0.9, "greeting: \(greeting)")
            #expect(offer.coverage.foundPackets < offer.coverage.voicedPackets, "offer \(offer.variant): \(offer.coverage)")
            #expect(offer.coverage.fraction < 0.7, "offer \(offer.variant) kept playing: \(offer.coverage)")
            #expect(offer.coverage.foundPackets > 0, "the offer never started: \(offer.coverage)")

            let store = StoreReader(path: daemon.storePath)
            let calls = try store.calls()
            try #require(calls.count == 1, "calls: \(calls)")
            let callID = try #require(StoreReader.string(calls[0], "call_id"))
            let turns = try store.query("SELECT * FROM turns WHERE call_id = \(sqlLiteral(callID)) ORDER BY seq")
            let offerTurns = turns.filter { StoreReader.string($0, "state") == "offer" }
            #expect(offerTurns.contains { StoreReader.int($0, "barged_in") == 1 }, "turns: \(turns)")
            #expect(offerTurns.contains { (StoreReader.int($0, "barge_in_ms") ?? -1) >= 0 }, "barge_in_ms missing: \(turns)")
            #expect(StoreReader.string(calls[0], "disposition") != nil)
            let bargeInMs = offerTurns.compactMap { StoreReader.int($0, "barge_in_ms") }.first
            // Personal data never in log text: the caller's URI, the member's name, the transcript.
            let log = daemon.log
            for secret in ["sip:sipp@", "Alice", "really like", "coupon, text it"] {
                #expect(!log.contains(secret), "parleyd's log contains '\(secret)'")
            }
            let wire = try Self.wireBargeInMs(capture, prompt: DemoCall.offerVariants[offer.variant]!, port: port)
            print("figure: barge-in on the offer: greeting \(greeting); offer \(offer.variant) \(offer.coverage); barge_in_ms \(bargeInMs.map(String.init) ?? "-") (turn), \(wire) on the wire; disposition \(StoreReader.string(calls[0], "disposition") ?? "-")")
        }

        /// The caller speaks 1.2 s into the greeting (0.9 s plus the fixture's 0.3 s lead-in;
        /// barge_in: confirmed, locked for its first 800 ms, two words needed): the greeting stops
        /// short and its turn has barged_in = 1. The caller hangs up 7 s after it starts speaking.
        @Test func speakingDuringTheGreetingStopsIt() throws {
            let daemon = try Daemon(DaemonSettings())
            try daemon.start()
            defer { daemon.stop() }
            let capture = try LoopbackCapture(ports: daemon.rtpPorts)

            let sipp = try SIPpRun(scenario: "uac_barge_in_hang_up.xml", target: daemon.sipTarget,
                                   keys: ["speak_at_ms": "900", "hold_ms": "1000"], timeoutSeconds: 40)
            let result = sipp.finish()
            #expect(result.succeeded, "\(result)\n--- parleyd:\n\(daemon.log.suffix(3000))")

            let packets = try capture.packetsFromDaemon()
            let port = try #require(DemoCall.answerPort(result), "no SDP answer port logged: \(result.logLines)")
            let stream = PromptAudio.stream(packets, sourcePort: port, payloadType: 0)
            let greeting = PromptAudio.coverage(of: try PromptAudio.prompt(DemoCall.greeting), in: stream)
            #expect(greeting.foundPackets < greeting.voicedPackets, "greeting: \(greeting)")
            #expect(greeting.fraction < 0.8, "the greeting kept playing: \(greeting)")
            #expect(greeting.foundPackets > 0, "the greeting never started: \(greeting)")

            let store = StoreReader(path: daemon.storePath)
            let turns = try store.query("SELECT * FROM turns ORDER BY call_id, seq")
            let greetingTurns = turns.filter { StoreReader.string($0, "state") == "greeting" }
            #expect(greetingTurns.contains { StoreReader.int($0, "barged_in") == 1 }, "turns: \(turns)")
            let bargeInMs = greetingTurns.compactMap { StoreReader.int($0, "barge_in_ms") }.first
            let wire = try Self.wireBargeInMs(capture, prompt: DemoCall.greeting, port: port)
            print("figure: barge-in on the greeting: greeting \(greeting); barge_in_ms \(bargeInMs.map(String.init) ?? "-") (turn), \(wire) on the wire")
        }

        /// Caller's first voiced packet → parleyd's last packet of the prompt, as captured on `lo`.
        static func wireBargeInMs(_ capture: LoopbackCapture, prompt files: [String], port: Int) throws -> String {
            let packets = try capture.allPackets()
            guard let onset = PromptAudio.speechOnsetTime(in: packets, destinationPort: port),
                  let last = PromptAudio.lastPacketTime(of: try PromptAudio.prompt(files), in: packets, sourcePort: port) else {
                return "(not measured)"
            }
            return "\(Int((last - onset) * 1000)) ms"
        }
    }
}
