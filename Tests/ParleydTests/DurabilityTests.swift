import Foundation
import Testing

extension ParleydEndToEnd {
    /// Issue 8, "Must show" 3: a SIGKILL loses no ended call and no queued webhook.
    @Suite struct DurabilityTests {
        /// 20 calls end (the caller hangs up) while the CRM answers 503; parleyd is SIGKILLed the
        /// moment SIPp has its last 200 to BYE. Every call is in `calls` with a disposition and its
        /// call.ended webhook is queued; after a restart, with the CRM answering 200, each
        /// call.ended key is delivered exactly once.
        @Test func killedDaemonKeepsEndedCallsAndDeliversQueuedWebhooksAfterRestart() throws {
            let hooks = try WebhookServer(statuses: ["*": 503])
            var settings = DaemonSettings()
            settings.webhooks = DemoCall.webhooks(hooks)
            let daemon = try Daemon(settings)
            try daemon.start()
            defer { daemon.stop() }

            let sipp = try SIPpRun(scenario: "uac_hang_up.xml", target: daemon.sipTarget, calls: 20, rate: 20,
                                   keys: ["hold_ms": "1500"], timeoutSeconds: 40)
            let result = sipp.finish()
            #expect(result.succeeded, "\(result)\n--- parleyd:\n\(daemon.log.suffix(3000))")
            #expect(result.successfulCalls == 20, "\(result)")
            let sipCallIDs = Set(result.values("sip_call_id"))

            // Killed the moment the last BYE transaction completed: nothing may be lost from here.
            daemon.kill9()
            #expect(daemon.process?.terminationSignal == SIGKILL)
            let attemptsBeforeKill = hooks.requests().filter { $0.status == 503 }.count

            // What the killed daemon left on disk (the sqlite3 CLI replays the WAL).
            let store = StoreReader(path: daemon.storePath)
            let rows = try store.calls()
            #expect(rows.count == 20, "calls after SIGKILL: \(rows.count)")
            let ended = rows.filter { StoreReader.string($0, "disposition") != nil && StoreReader.int($0, "ended_at") != nil }
            #expect(ended.count == 20, "ended with a disposition: \(ended.count) of \(rows.count)")
            #expect(sipCallIDs.count == 20, "SIPp logged \(sipCallIDs.count) Call-IDs")
            #expect(Set(rows.compactMap { StoreReader.string($0, "sip_call_id") }) == sipCallIDs,
                    "the rows' sip_call_id differ from SIPp's Call-IDs")
            let callIDs = Set(rows.compactMap { StoreReader.string($0, "call_id") })
            let expectedKeys = Set(callIDs.map { "\($0):call.ended" })
            // Queued: every result webhook is in the outbox, none delivered (the CRM answered 503).
            let queued = try store.query("SELECT idempotency_key, state, attempts FROM webhook_outbox WHERE idempotency_key LIKE '%:call.ended'")
            #expect(Set(queued.compactMap { StoreReader.string($0, "idempotency_key") }) == expectedKeys,
                    "outbox after SIGKILL: \(queued.count) results items (\(attemptsBeforeKill) attempts answered 503 before the kill)")
            #expect(queued.allSatisfy { StoreReader.string($0, "state") == "pending" }, "\(queued)")

            // Restart on the same data directory; the CRM is back.
            try hooks.setStatuses(["*": 200])
            try daemon.start()
            let allDelivered = waitUntil(timeoutSeconds: 30, intervalMs: 100) {
                expectedKeys.isSubset(of: Set(hooks.requests().filter(\.succeeded).compactMap(\.idempotencyKey)))
            }
            #expect(allDelivered, "delivered after restart: \(Set(hooks.requests().filter(\.succeeded).compactMap(\.idempotencyKey)).intersection(expectedKeys).count) of \(expectedKeys.count)")
            // The outbox agrees that nothing is left, then no key has a second 2xx.
            let settled = try waitUntil(timeoutSeconds: 10, intervalMs: 100) {
                try store.integer("SELECT count(*) FROM webhook_outbox WHERE state != 'delivered'") == 0
            }
            #expect(settled, "outbox: \(store.dump("SELECT idempotency_key, state, attempts, last_status FROM webhook_outbox WHERE state != 'delivered'"))")
            var successes: [String: Int] = [:]
            for r in hooks.requests() where r.succeeded { successes[r.idempotencyKey ?? "(none)", default: 0] += 1 }
            let duplicated = successes.filter { $0.value > 1 }
            #expect(duplicated.isEmpty, "delivered more than once: \(duplicated)")
            for key in expectedKeys { #expect(successes[key] == 1, "\(key): \(successes[key] ?? 0) deliveries") }
            let requests = hooks.requests()
            print("figure: durability: \(ended.count)/20 ended calls on disk after SIGKILL; \(attemptsBeforeKill) attempts answered 503 before the kill; \(requests.filter { $0.status == 503 }.count) 503s, \(requests.filter(\.succeeded).count) 2xx in all; \(successes.filter { expectedKeys.contains($0.key) }.count) of \(expectedKeys.count) call.ended keys delivered once")
        }

        /// The bot hangs up (DTMF 2 → declined) and SIPp SIGKILLs parleyd the moment its BYE
        /// arrives: the call's end and its call.ended webhook were committed before the BYE left.
        @Test func killedAtTheBotsByeKeepsTheCall() throws {
            let hooks = try WebhookServer(statuses: ["*": 503])
            var settings = DaemonSettings()
            settings.webhooks = DemoCall.webhooks(hooks)
            let daemon = try Daemon(settings)
            try daemon.start()
            defer { daemon.stop() }
            let pid = try #require(daemon.process?.pid)

            let sipp = try SIPpRun(scenario: "uac_dtmf_2_kill_on_bye.xml", target: daemon.sipTarget,
                                   keys: ["dtmf_at_ms": "\(try DemoCall.greetingMs() + 1500)", "parleyd_pid": "\(pid)"],
                                   timeoutSeconds: 40)
            let result = sipp.finish()
            #expect(result.succeeded, "\(result)\n--- parleyd:\n\(daemon.log.suffix(3000))")
            #expect(result.values("disposition") == ["declined"], "BYE: \(result.logLines)")
            #expect(daemon.process?.waitForExit(timeoutSeconds: 5) == true)
            #expect(daemon.process?.terminationSignal == SIGKILL, "parleyd was not killed at the BYE")

            let store = StoreReader(path: daemon.storePath)
            let rows = try store.calls()
            #expect(rows.count == 1 && StoreReader.string(rows[0], "disposition") == "declined"
                    && StoreReader.int(rows[0], "ended_at") != nil, "calls after SIGKILL at the BYE: \(rows)")
            let callID = rows.first.flatMap { StoreReader.string($0, "call_id") } ?? "?"
            let queued = try store.integer("SELECT count(*) FROM webhook_outbox WHERE idempotency_key = \(sqlLiteral(callID + ":call.ended"))")
            #expect(queued == 1, "call.ended webhook in the outbox: \(queued)")
        }

        /// The caller hangs up and SIPp SIGKILLs parleyd the moment the 200 to its BYE arrives
        /// (the BYE transaction is complete): the call must be on disk. Four rounds on one data
        /// directory, restarting each time, because the window a late commit leaves is short.
        @Test func killedAtTheAnswerToTheCallersByeKeepsTheCall() throws {
            let daemon = try Daemon(DaemonSettings())
            defer { daemon.stop() }
            let store = StoreReader(path: daemon.storePath)
            var lost: [Int] = []
            for round in 1...4 {
                try daemon.start()
                let pid = try #require(daemon.process?.pid)
                let sipp = try SIPpRun(scenario: "uac_hang_up_kill_on_200.xml", target: daemon.sipTarget,
                                       keys: ["hold_ms": "800", "parleyd_pid": "\(pid)"], timeoutSeconds: 20)
                let result = sipp.finish()
                #expect(result.succeeded, "round \(round): \(result)")
                #expect(daemon.process?.waitForExit(timeoutSeconds: 5) == true)
                #expect(daemon.process?.terminationSignal == SIGKILL, "round \(round): parleyd was not killed at the 200")
                let ended = try store.integer("SELECT count(*) FROM calls WHERE ended_at IS NOT NULL AND disposition IS NOT NULL")
                if ended < round - lost.count { lost.append(round) }
            }
            #expect(lost.isEmpty, "calls lost by a SIGKILL at the 200 to the caller's BYE, in rounds \(lost) of 4: \(store.dump())")
            print("figure: SIGKILL at the 200 to the caller's BYE: \(lost.count) of 4 calls lost")
        }
    }
}
