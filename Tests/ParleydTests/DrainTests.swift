import Foundation
import Testing

extension ParleydEndToEnd {
    /// Issue 8, "Must show" 4: SIGTERM drains — calls in progress finish, new ones are refused.
    @Suite struct DrainTests {
        /// 20 calls in progress when SIGTERM arrives all finish (SIPp: 0 failed); an INVITE and an
        /// OPTIONS sent during the drain get 503 with Retry-After; parleyd then exits 0.
        @Test func sigtermFinishesCallsInProgressAndRefusesNewOnes() throws {
            let hooks = try WebhookServer(statuses: ["*": 200])
            var settings = DaemonSettings()
            settings.webhooks = DemoCall.webhooks(hooks)
            settings.drainTimeoutSeconds = 30
            settings.retryAfterSeconds = 7
            let daemon = try Daemon(settings)
            try daemon.start()
            defer { daemon.kill9() }
            let store = StoreReader(path: daemon.storePath)

            let calls = try SIPpRun(scenario: "uac_hang_up.xml", target: daemon.sipTarget, calls: 20, rate: 20, limit: 20,
                                    keys: ["hold_ms": "7000"], timeoutSeconds: 45)
            let allUp = try waitUntil(timeoutSeconds: 15, intervalMs: 100) {
                try store.integer("SELECT count(*) FROM calls WHERE answered_at IS NOT NULL AND ended_at IS NULL") == 20
            }
            try #require(allUp, "20 answered calls in progress: \(store.dump())\n\(daemon.log.suffix(2000))")
            let process = try #require(daemon.process)
            process.send(SIGTERM)
            let termAt = Date()

            // New requests during the drain.
            let probe = try SIPpRun(scenario: "uac_rejected_503.xml", target: daemon.sipTarget, timeoutSeconds: 10)
            let refused = probe.finish()
            #expect(refused.succeeded, "INVITE/OPTIONS during drain: \(refused)")
            #expect(refused.values("retry_after") == ["7", "7"], "Retry-After (INVITE, OPTIONS): \(refused.logLines)")
            #expect(process.isRunning, "parleyd left before its calls finished")
            // docs/admin.md: /healthz answers 503 {"status":"draining"} once draining.
            let health = daemon.admin("/healthz", withStatus: true)
            #expect(health.hasPrefix("503 ") && health.contains("draining"), "GET /healthz during drain: \(health)")

            let result = calls.finish()
            #expect(result.failedCalls == 0, "\(result)")
            #expect(result.successfulCalls == 20, "\(result)")
            #expect(result.succeeded, "\(result)\n--- parleyd:\n\(daemon.log.suffix(3000))")

            let exited = process.waitForExit(timeoutSeconds: 15)
            #expect(exited, "parleyd still running 15 s after its calls ended; /v1/status: \(exited ? "" : daemon.admin("/v1/status")); /v1/calls?active=true: \(exited ? "" : daemon.admin("/v1/calls?active=true"))\n--- parleyd:\n\(daemon.log.suffix(4000))")
            let exitSeconds = Date().timeIntervalSince(termAt)
            #expect(process.terminationStatus == 0, "exit status \(process.terminationStatus.map(String.init) ?? "signal \(process.terminationSignal ?? 0)")")
            let ended = try store.integer("SELECT count(*) FROM calls WHERE ended_at IS NOT NULL AND disposition IS NOT NULL")
            #expect(ended == 20, "ended calls: \(ended)")
            let hungUp = try store.integer("SELECT count(*) FROM calls WHERE disposition = 'hung_up'")
            #expect(hungUp == 20, "calls the caller hung up: \(hungUp) (drain must not cut them)")
            print("figure: drain: SIPp successful \(result.successfulCalls ?? -1), failed \(result.failedCalls ?? -1); Retry-After \(refused.values("retry_after")); exit \(process.terminationStatus ?? -1) \(String(format: "%.1f", exitSeconds)) s after SIGTERM")
        }
    }
}
