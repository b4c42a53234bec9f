import Foundation
import Testing
@testable import ParleyStore

/// Delivery against a real HTTP server on 127.0.0.1 (python3's http.server).
@Suite(.serialized) struct DeliveryTests {
    typealias Outcome = WebhookDeliverer.Outcome

    func fastPolicy(maxAttempts: Int = 8) -> BackoffPolicy {
        BackoffPolicy(baseDelayMs: 20, maxDelayMs: 200, jitterFraction: 0.2, maxAttempts: maxAttempts)
    }

    func deliverer(_ outbox: WebhookOutbox, _ recorder: Recorder<Outcome>) -> WebhookDeliverer {
        WebhookDeliverer(outbox: outbox, configuration: .init(requestTimeoutMs: 2_000, idlePollMs: 50)) { outcome in
            Task { await recorder.add(outcome) }
        }
    }

    @Test func aServerErrorIsRetriedAndThenDeliveredOnceWithTheSameKey() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let server = try HTTPTestServer(directory: dir, statuses: [500, 200])
        defer { server.stop() }
        let store = try openStore(dir)
        let outbox = WebhookOutbox(store: store, policy: fastPolicy())
        let recorder = Recorder<Outcome>()
        let sender = deliverer(outbox, recorder)
        let payload = #"{"call_id":"c1","disposition":"completed","tags":{"coupon":"sent"}}"#
        let id = try await outbox.enqueue(WebhookRequest(endpoint: "crm", url: server.url, idempotencyKey: "c1:result",
                                                         payloadJSON: payload))
        try await sender.start()
        #expect(await recorder.wait { $0.contains { $0.decision == .delivered } })
        await sender.stop()

        let outcomes = await recorder.values
        #expect(outcomes.count == 2)
        #expect(outcomes.first?.result == .status(500))
        #expect(outcomes.last?.result == .status(200) && outcomes.last?.attempt == 2)
        let requests = try server.requests()
        #expect(requests.map(\.status) == [500, 200])
        #expect(requests.map(\.idempotencyKey) == ["c1:result", "c1:result"])
        #expect(requests.map(\.attempt) == ["1", "2"])
        #expect(requests.allSatisfy { $0.body == payload && $0.contentType == "application/json" && $0.path == "/hook" })
        let item = try #require(try await outbox.item(id: id))
        #expect(item.state == .delivered && item.attempts == 2 && item.lastStatus == 200)
        #expect(await sender.counters == WebhookDeliverer.Counters(delivered: 1, retried: 1, dead: 0, storeErrors: 0))
    }

    @Test func aClientErrorIsPermanentButTooManyRequestsIsRetried() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let server = try HTTPTestServer(directory: dir, statuses: [429, 422])
        defer { server.stop() }
        let store = try openStore(dir)
        let outbox = WebhookOutbox(store: store, policy: fastPolicy())
        let recorder = Recorder<Outcome>()
        let sender = deliverer(outbox, recorder)
        let id = try await outbox.enqueue(WebhookRequest(endpoint: "crm", url: server.url, idempotencyKey: "k", payloadJSON: "{}"))
        try await sender.start()
        #expect(await recorder.wait { $0.contains { $0.decision == .dead } })
        await sender.stop()
        #expect(try server.requests().map(\.status) == [429, 422])
        let item = try #require(try await outbox.item(id: id))
        #expect(item.state == .dead && item.lastStatus == 422 && item.attempts == 2)
    }

    @Test func deliveryResumesAfterARestartOnceTheServerIsBack() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        // Learn a free port, then take the server down.
        let first = try HTTPTestServer(directory: dir, statuses: [200])
        let port = first.port
        first.stop()

        do {
            let store = try openStore(dir)
            let outbox = WebhookOutbox(store: store, policy: fastPolicy(maxAttempts: 1_000))
            let recorder = Recorder<Outcome>()
            let sender = deliverer(outbox, recorder)
            try await outbox.enqueue(WebhookRequest(endpoint: "crm", url: "http://127.0.0.1:\(port)/hook",
                                                    idempotencyKey: "down:1", payloadJSON: #"{"n":1}"#))
            // Claimed at "crash time" and never finished: must also be delivered after the restart.
            try await outbox.enqueue(WebhookRequest(endpoint: "crm", url: "http://127.0.0.1:\(port)/hook",
                                                    idempotencyKey: "down:2", payloadJSON: #"{"n":2}"#))
            try await sender.start()
            #expect(await recorder.wait { outcomes in outcomes.filter { $0.idempotencyKey == "down:1" }.count >= 2 })
            await sender.stop()
            let refused = await recorder.values
            #expect(refused.allSatisfy { if case .failure = $0.result { return true } else { return false } })
            #expect(refused.allSatisfy { if case .retry = $0.decision { return true } else { return false } })
            #expect(try await outbox.counts() == OutboxCounts(pending: 2))
            _ = try await outbox.claimDue(limit: 1)
        }

        let server = try HTTPTestServer(directory: dir, port: port, statuses: [200])
        defer { server.stop() }
        let store = try openStore(dir)
        let outbox = WebhookOutbox(store: store, policy: fastPolicy(maxAttempts: 1_000))
        let recorder = Recorder<Outcome>()
        let sender = deliverer(outbox, recorder)
        try await sender.start()
        #expect(await recorder.wait { $0.filter { $0.decision == .delivered }.count == 2 })
        await sender.stop()
        #expect(try await outbox.counts() == OutboxCounts(pending: 0, delivered: 2, dead: 0))
        let keys = try server.requests().compactMap(\.idempotencyKey).sorted()
        #expect(keys == ["down:1", "down:2"], "each delivered exactly once")
    }

    @Test func wakeSendsANewItemWithoutWaitingForThePoll() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let server = try HTTPTestServer(directory: dir, statuses: [200])
        defer { server.stop() }
        let store = try openStore(dir)
        let outbox = WebhookOutbox(store: store, policy: fastPolicy())
        let recorder = Recorder<Outcome>()
        // An hour-long idle poll: only wake() can make this delivery happen within the test's timeout.
        let sender = WebhookDeliverer(outbox: outbox, configuration: .init(idlePollMs: 3_600_000)) { outcome in
            Task { await recorder.add(outcome) }
        }
        try await sender.start()
        try store.callStarted(sampleStart("wk"))
        try await store.callEnded(callId: "wk", atMs: 1, disposition: "completed", tags: [:], webhooks: [
            WebhookRequest(endpoint: "crm", url: server.url, idempotencyKey: "wk:result", payloadJSON: #"{"call":"wk"}"#),
        ])
        sender.wake()
        #expect(await recorder.wait(timeoutSeconds: 15) { $0.contains { $0.decision == .delivered } })
        await sender.stop()
        #expect(try server.requests().map(\.idempotencyKey) == ["wk:result"])
    }
}

@Suite struct DeliveryDecisionTests {
    @Test func anInvalidURLIsDeadLetteredWithoutASend() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        let outbox = WebhookOutbox(store: store)
        let recorder = Recorder<WebhookDeliverer.Outcome>()
        let sender = WebhookDeliverer(outbox: outbox, configuration: .init(idlePollMs: 50)) { outcome in
            Task { await recorder.add(outcome) }
        }
        let id = try await outbox.enqueue(WebhookRequest(endpoint: "crm", url: "ftp://127.0.0.1/x", idempotencyKey: "bad-url",
                                                         payloadJSON: "{}"))
        try await sender.start()
        #expect(await recorder.wait { $0.contains { $0.decision == .dead } })
        await sender.stop()
        let item = try #require(try await outbox.item(id: id))
        #expect(item.state == .dead && item.lastError == "invalid webhook URL" && item.attempts == 1)
        #expect(await sender.isRunning == false)
    }
}
