import Foundation
@testable import ParleyCall
import ParleySIP
import ParleyStore
import Testing

/// The call layer's pure parts: routing, call variables, and the webhook hub over a real
/// store with a scripted HTTP transport.
@Suite struct CallLayerUnitTests {
    static func invite(_ text: String) throws -> SIPMessage {
        let bytes = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        guard case .message(let m) = SIPParser().parse(bytes) else { throw TestError("unparseable INVITE") }
        return m
    }

    struct TestError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static let inviteText = """
        INVITE sip:5551000@127.0.0.1 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK1
        From: <sip:caller@127.0.0.1>;tag=a
        To: <sip:care@127.0.0.1>
        Call-ID: route-1
        CSeq: 1 INVITE
        X-Parley-Script: hello
        X-Parley-Var-name: Maria
        Content-Length: 0


        """

    @Test func routingTakesTheFirstMatchingRuleThenTheDefault() throws {
        let m = try Self.invite(Self.inviteText)
        let rules = [RoutingRule(field: .called, match: .exact("5559999"), script: "/s/none.yaml"),
                     RoutingRule(field: .toUser, match: .regex("^ca"), script: "/s/care.yaml"),
                     RoutingRule(field: .header("x-parley-script"), match: .exact("hello"), script: "/s/hello.yaml")]
        #expect(CallRouter(routing: RoutingConfiguration(rules: rules, defaultScript: "/s/d.yaml")).script(for: m)
                == "/s/care.yaml")
        let byHeader = [RoutingRule(field: .header("X-Parley-Script"), match: .exact("hello"), script: "/s/hello.yaml")]
        #expect(CallRouter(routing: RoutingConfiguration(rules: byHeader, defaultScript: nil)).script(for: m) == "/s/hello.yaml")
        let called = [RoutingRule(field: .called, match: .exact("5551000"), script: "/s/called.yaml")]
        #expect(CallRouter(routing: RoutingConfiguration(rules: called, defaultScript: nil)).script(for: m) == "/s/called.yaml")
        let none = [RoutingRule(field: .called, match: .exact("1"), script: "/s/x.yaml")]
        #expect(CallRouter(routing: RoutingConfiguration(rules: none, defaultScript: nil)).script(for: m) == nil)
        #expect(CallRouter(routing: RoutingConfiguration(rules: none, defaultScript: "/s/d.yaml")).script(for: m) == "/s/d.yaml")
    }

    @Test func variablesComeFromHeadersAndMissingRequiredOnesTakeTheExample() throws {
        let scripts = ScriptCatalog()
        let path = ConfigurationFixtures.repositoryRoot + "/examples/demo/member-care.yaml"
        guard case .success(let loaded) = scripts.load(paths: [path]), let entry = loaded.first else {
            throw TestError("the demo script did not load")
        }
        let (values, defaulted) = CallManager.variables(from: try Self.invite(Self.inviteText), script: entry)
        #expect(values["name"] == "Maria")
        #expect(values["coupon_value"] == "20" && defaulted == ["coupon_value"])
        #expect(values["member_id"] == nil)
    }

    @Test func aBrokenScriptIsRejectedWithItsLocationAndTheOldOneKeepsServing() throws {
        let dir = NSTemporaryDirectory() + "parley-catalog-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/s.yaml"
        let good = try String(contentsOfFile: ConfigurationFixtures.repositoryRoot + "/examples/demo/member-care.yaml",
                              encoding: .utf8)
            .replacingOccurrences(of: "prompt_dir: prompts", with: "prompt_dir: \(ConfigurationFixtures.repositoryRoot)/examples/demo/prompts")
        try good.write(toFile: path, atomically: true, encoding: .utf8)
        let scripts = ScriptCatalog()
        guard case .success = scripts.load(paths: [path]) else { throw TestError("the good script did not load") }
        let before = try #require(scripts.entry(path: path))
        try good.replacingOccurrences(of: "start: greeting", with: "start: nowhere").write(toFile: path, atomically: true, encoding: .utf8)
        guard case .failure(let list) = scripts.load(paths: [path]) else { throw TestError("a broken script was accepted") }
        #expect(list.problems.contains { $0.file == path && $0.line > 1 && $0.message.contains("nowhere") },
                "\(list.problems)")
        #expect(scripts.entry(path: path)?.generation == before.generation)
    }

    final class ScriptedTransport: WebhookTransport, @unchecked Sendable {
        let lock = NSLock()
        var statuses: [Int]
        var seen: [String] = []
        init(_ statuses: [Int]) { self.statuses = statuses }
        func post(url: URL, body: Data, headers: [String: String], timeoutMs: Int) async -> TransportResult {
            lock.withLock {
                seen.append(headers["Idempotency-Key"] ?? "")
                return .status(statuses.isEmpty ? 200 : statuses.removeFirst())
            }
        }
    }

    @Test func aScriptWebhookIsOkOnlyWhenItsFirstAttemptIsDelivered() async throws {
        let dir = NSTemporaryDirectory() + "parley-hub-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try CallStore(configuration: .init(directory: dir))
        let transport = ScriptedTransport([200, 503])
        let box = HubBox()
        let outbox = WebhookOutbox(store: store, policy: BackoffPolicy(baseDelayMs: 60_000))
        let deliverer = WebhookDeliverer(outbox: outbox, transport: transport,
                                         configuration: .init(idlePollMs: 50),
                                         onOutcome: { box.hub?.attempted(id: $0.id, delivered: $0.decision == .delivered) })
        let hub = WebhookHub(outbox: outbox) { deliverer.wake() }
        box.hub = hub
        try await deliverer.start()
        let first = await hub.deliverAndWait(WebhookRequest(endpoint: "send", url: "http://127.0.0.1:9/x",
                                                            idempotencyKey: "k1", payloadJSON: "{}"), timeoutMs: 5_000)
        let second = await hub.deliverAndWait(WebhookRequest(endpoint: "send", url: "http://127.0.0.1:9/x",
                                                             idempotencyKey: "k2", payloadJSON: "{}"), timeoutMs: 5_000)
        await deliverer.stop()
        #expect(first && !second)
        #expect(transport.seen == ["k1", "k2"])
        let counts = try await outbox.counts()
        #expect(counts.delivered == 1 && counts.pending == 1, "the failed one stays queued for a retry")
    }

    final class HubBox: @unchecked Sendable {
        var hub: WebhookHub?
    }
}
