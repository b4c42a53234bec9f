import Foundation
import ParleyAdmin
import ParleyStore
import Testing

private let token = AdminFixture.token

/// The admin API end to end over 127.0.0.1 against a fake backend.
@Suite struct AdminServerTests {
    @Test func authRequiredForTheAPI() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            let missing = try client.request("GET", "/v1/status")
            #expect(missing.status == 401)
            #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(try (missing.json()["error"] as? [String: Any])?["code"] as? String == "unauthorized")
            #expect(try client.request("GET", "/v1/status", token: "wrong").status == 401)
            #expect(try client.request("POST", "/v1/drain", token: token + "x").status == 401)
            #expect(fixture.backend.state.withLock { $0.draining } == false)
            let ok = try client.request("GET", "/v1/status", token: token)
            #expect(ok.status == 200)
            let status = try ok.json()
            #expect(status["node_id"] as? String == "node-a")
            #expect(status["version"] as? String == "0.1.0")
            #expect(status["active_calls"] as? Int == 1)
            #expect(status["draining"] as? Bool == false)
            #expect(status["uptime_seconds"] as? Double == 42)
            // healthz and metrics are open by default.
            #expect(try client.request("GET", "/healthz").status == 200)
            #expect(try client.request("GET", "/metrics").status == 200)
        }
    }

    @Test func metricsCanRequireTheToken() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.openPaths = ["/healthz"] }
            defer { fixture.close() }
            let client = try fixture.client()
            #expect(try client.request("GET", "/metrics").status == 401)
            #expect(try client.request("GET", "/metrics", token: token).status == 200)
            #expect(try client.request("GET", "/healthz").status == 200)
        }
    }

    @Test func listAndShowCalls() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            let all = try client.request("GET", "/v1/calls", token: token)
            #expect(all.status == 200)
            #expect((try all.json()["calls"] as? [[String: Any]])?.count == 2)
            let active = try client.request("GET", "/v1/calls?active=true", token: token)
            let activeCalls = try #require(try active.json()["calls"] as? [[String: Any]])
            #expect(activeCalls.map { $0["call_id"] as? String } == ["c-1"])
            let detail = try client.request("GET", "/v1/calls/c-1", token: token).json()
            #expect((detail["tags"] as? [String: String]) == ["offer": "coupon"])
            let turns = try #require(detail["turns"] as? [[String: Any]])
            #expect(turns.first?["barged_in"] as? Bool == true)
            #expect(turns.first?["barge_in_ms"] as? Int == 180)
            let missing = try client.request("GET", "/v1/calls/zzz", token: token)
            #expect(missing.status == 404)
            #expect(try (missing.json()["error"] as? [String: Any])?["code"] as? String == "not_found")
            // The same API without the /v1 prefix.
            #expect(try client.request("GET", "/calls/c-1", token: token).status == 200)
        }
    }

    @Test func hangUpDelegatesToTheBackend() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            #expect(try client.request("POST", "/v1/calls/c-1/hangup", token: token).status == 202)
            #expect(fixture.backend.state.withLock { $0.hungUp } == ["c-1"])
            #expect(try client.request("POST", "/v1/calls/c-2/hangup", token: token).status == 409)
            #expect(try client.request("POST", "/v1/calls/none/hangup", token: token).status == 404)
            let wrongMethod = try client.request("GET", "/v1/calls/c-1/hangup", token: token)
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "POST")
        }
    }

    @Test func drainTurnsHealthTo503() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            #expect(try client.request("GET", "/healthz").status == 200)
            let drain = try client.request("POST", "/v1/drain", token: token)
            #expect(drain.status == 202)
            #expect(try drain.json()["draining"] as? Bool == true)
            let health = try client.request("GET", "/healthz")
            #expect(health.status == 503)
            #expect(try health.json()["status"] as? String == "draining")
            #expect(try client.request("GET", "/v1/status", token: token).json()["draining"] as? Bool == true)
        }
    }

    @Test func rejectedReloadReturns422WithDiagnostics() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            let accepted = try client.request("POST", "/v1/scripts/reload", token: token)
            #expect(accepted.status == 200)
            #expect(try accepted.json()["scripts"] as? [String] == ["demo@1"])
            fixture.backend.state.withLock {
                $0.reload = .rejected(diagnostics: [
                    ScriptDiagnostic(file: "scripts/demo.yaml", line: 12, column: 7, message: "unknown state 'cupon'"),
                    ScriptDiagnostic(file: "scripts/demo.yaml", line: 30, column: 3, severity: "warning", message: "unused prompt"),
                ])
            }
            let rejected = try client.request("POST", "/scripts/reload", token: token)
            #expect(rejected.status == 422)
            let body = try rejected.json()
            #expect((body["error"] as? [String: Any])?["code"] as? String == "scripts_rejected")
            let diagnostics = try #require(body["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.count == 2)
            #expect(diagnostics[0]["file"] as? String == "scripts/demo.yaml")
            #expect(diagnostics[0]["line"] as? Int == 12)
            #expect(diagnostics[0]["col"] as? Int == 7)
            #expect(diagnostics[0]["message"] as? String == "unknown state 'cupon'")
            #expect(diagnostics[1]["severity"] as? String == "warning")
        }
    }

    @Test func exportReadsTheStoreAsCSVAndJSON() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-admin-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try CallStore(configuration: CallStore.Configuration(directory: directory))
        for (index, startedAtMs) in [Int64(1_700_000_000_000), 1_700_000_060_000].enumerated() {
            try store.callStarted(CallStart(callId: "call-\(index)", nodeId: "node-a", direction: .inbound,
                                            fromURI: "sip:a@127.0.0.1", toURI: "sip:bot@127.0.0.1", script: "demo",
                                            startedAtMs: startedAtMs))
            try await store.callEnded(callId: "call-\(index)", atMs: startedAtMs + 5000, disposition: "completed",
                                      tags: ["offer": "coupon, \"gold\""])
        }
        let backend = FakeBackend(store: store)
        try await blocking {
            let fixture = try AdminFixture(backend: backend)
            defer { fixture.close() }
            let client = try fixture.client()
            let csv = try client.request("GET", "/v1/calls/export?format=csv", token: token)
            #expect(csv.status == 200)
            #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
            let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 3)
            #expect(lines.first == CallExport.columns.joined(separator: ","))
            let json = try client.request("GET", "/v1/calls/export?format=json&since=2023-11-14T22:14:00Z", token: token)
            #expect(json.status == 200)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.body)) as? [[String: Any]])
            #expect(rows.map { $0["call_id"] as? String } == ["call-1"])
            #expect(backend.state.withLock { $0.exportQueries.last?.sinceMs } == 1_700_000_040_000)
            let byMs = try client.request("GET", "/v1/calls/export?since=1700000000000&limit=1", token: token)
            #expect(byMs.status == 200)
            #expect(backend.state.withLock { $0.exportQueries.last } == CallQuery(sinceMs: 1_700_000_000_000, limit: 1))
            #expect(try client.request("GET", "/v1/calls/export?format=xml", token: token).status == 400)
            #expect(try client.request("GET", "/v1/calls/export?since=yesterday", token: token).status == 400)
        }
    }

    @Test func campaignEndpointsDelegate() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            let created = try client.request("POST", "/v1/campaigns", token: token, body: "{\"name\":\"reminders\"}")
            #expect(created.status == 201)
            let id = try #require(try created.json()["id"] as? String)
            #expect(try client.request("GET", "/v1/campaigns/\(id)", token: token).json()["name"] as? String == "reminders")
            #expect(try client.request("POST", "/v1/campaigns/\(id)/pause", token: token).json()["state"] as? String == "paused")
            #expect(try client.request("POST", "/v1/campaigns/\(id)/resume", token: token).json()["state"] as? String == "running")
            #expect(try client.request("GET", "/v1/campaigns/none", token: token).status == 404)
            #expect(try client.request("POST", "/v1/campaigns", token: token, body: "not json").status == 400)
        }
    }

    @Test func metricsEndpointServesTheRegistry() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let parley = ParleyMetrics(registry: fixture.metrics)
            parley.activeCalls.set(2)
            parley.callsEnded(disposition: "completed").increment()
            let client = try fixture.client()
            #expect(try client.request("GET", "/v1/status").status == 401)
            let response = try client.request("GET", "/metrics")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == MetricsRegistry.contentType)
            let parsed = try ParsedExposition(response.text)
            #expect(parsed.samples["parley_calls_active{node=\"node-a\"}"] == "2")
            #expect(parsed.samples["parley_calls_total{node=\"node-a\",disposition=\"completed\"}"] == "1")
            #expect(parsed.samples["parley_admin_requests_total{node=\"node-a\",code=\"401\"}"] == "1")
            #expect(parsed.type["parley_response_latency_seconds"] == "histogram")
        }
    }

    @Test func handleWorksWithoutSockets() async {
        let fixture = try? AdminFixture()
        defer { fixture?.close() }
        guard let server = fixture?.server else { Issue.record("no fixture"); return }
        let request = HTTPRequest(method: "GET", target: "/v1/status",
                                  headers: [HTTPHeader(name: "Authorization", value: "Bearer \(token)")])
        #expect(await server.handle(request).status == 200)
        #expect(await server.handle(HTTPRequest(method: "GET", target: "/v1/status")).status == 401)
    }
}
