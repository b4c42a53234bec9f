import Foundation
import Synchronization
import Testing
@testable import ParleyStore

/// The webhook client's edges against raw loopback sockets: header names folded on the wire,
/// cancellation while connecting or in the TLS handshake, an answer sent before the body was
/// taken, and the I/O threads matching the deliverer's batch.
@Suite(.serialized) struct HTTPTransportEdgeTests {
    let body = Data(#"{"call_id":"c1"}"#.utf8)

    /// The head's lines naming `field` (case-insensitive).
    func lines(_ head: String, named field: String) -> [String] {
        head.components(separatedBy: "\r\n").filter { $0.lowercased().hasPrefix(field.lowercased() + ":") }
    }

    @Test func oneNameInTwoSpellingsGoesOnTheWireOnce() async throws {
        let server = try ScriptedTCPServer(.reply(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8), closeAfter: true))
        defer { server.stop() }
        let transport = HTTPWebhookTransport(configuration: .init(connectTimeoutMs: 2_000))
        let headers = ["content-type": "text/plain", "Content-Type": "application/json", "x-trace": "a", "X-TRACE": "b"]
        let result = await transport.post(url: try #require(URL(string: server.url)), body: body, headers: headers,
                                          timeoutMs: 5_000)
        #expect(result == .status(204))
        let head = server.lastRequestHead.withLock { $0 }
        #expect(lines(head, named: "content-type") == ["Content-Type: application/json"], "\(head)")
        #expect(lines(head, named: "x-trace") == ["X-TRACE: b"], "\(head)")
    }

    @Test func theDeliverersOwnFieldsWinOverConfiguredSpellings() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let server = try ScriptedTCPServer(.reply(Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8),
                                                  closeAfter: true))
        defer { server.stop() }
        let outbox = WebhookOutbox(store: try openStore(dir))
        let recorder = Recorder<WebhookDeliverer.Outcome>()
        let configuration = WebhookDeliverer.Configuration(
            requestTimeoutMs: 5_000, idlePollMs: 50,
            headers: ["content-type": "text/plain", "authorization": "Bearer global", "X-Env": "global"],
            endpointHeaders: ["crm": ["Authorization": "Bearer crm", "idempotency-key": "mine", "x-env": "crm"]])
        let sender = WebhookDeliverer(outbox: outbox, configuration: configuration) { outcome in
            Task { await recorder.add(outcome) }
        }
        try await outbox.enqueue(WebhookRequest(endpoint: "crm", url: server.url, idempotencyKey: "c1:result",
                                                payloadJSON: "{}"))
        try await sender.start()
        #expect(await recorder.wait { $0.contains { $0.decision == .delivered } })
        await sender.stop()
        let head = server.lastRequestHead.withLock { $0 }
        #expect(lines(head, named: "content-type") == ["Content-Type: application/json"], "\(head)")
        #expect(lines(head, named: "idempotency-key") == ["Idempotency-Key: c1:result"], "\(head)")
        #expect(lines(head, named: "authorization") == ["Authorization: Bearer crm"], "\(head)")
        #expect(lines(head, named: "x-env") == ["x-env: crm"], "\(head)")
    }

    @Test func theDeliverersTransportHasAThreadPerBatchItem() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let outbox = WebhookOutbox(store: try openStore(dir))
        let sender = WebhookDeliverer(outbox: outbox, configuration: .init(batchSize: 24))
        let transport = try #require(await sender.transport as? HTTPWebhookTransport)
        #expect(transport.configuration.threadCount == 24)
        #expect(HTTPWebhookTransport().configuration.threadCount == WebhookDeliverer.Configuration().batchSize)
    }

    /// Posts to `url`, waits (bounded) until a pool thread has taken the exchange and a little
    /// longer so it is waiting on the network, cancels, and returns the result and how long
    /// the cancelled exchange took to end.
    func cancelWhileWaiting(_ transport: HTTPWebhookTransport, _ url: String) async throws -> (TransportResult, Duration) {
        let url = try #require(URL(string: url))
        let task = Task { [body] in await transport.post(url: url, body: body, headers: [:], timeoutMs: 60_000) }
        let deadline = ContinuousClock.now + .seconds(10)
        while transport.pool.liveThreads == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(transport.pool.liveThreads == 1)
        try await Task.sleep(for: .milliseconds(300))
        let cancelledAt = ContinuousClock.now
        task.cancel()
        let result = await task.value
        return (result, cancelledAt.duration(to: .now))
    }

    @Test func cancellingDuringAConnectThatGetsNoAnswerEndsItPromptly() async throws {
        let server = try ScriptedTCPServer(.dropConnects)
        defer { server.stop() }
        let transport = HTTPWebhookTransport(configuration: .init(connectTimeoutMs: 30_000))
        let (result, afterCancel) = try await cancelWhileWaiting(transport, server.url)
        #expect(result == .failure("cancelled"))
        // About one 100 ms slice; generous for a loaded 2-core machine (the connect limit is 30 s).
        #expect(afterCancel < .milliseconds(1_500), "\(afterCancel)")
        #expect(server.acceptedCount.load(ordering: .relaxed) == 0)
    }

    @Test func cancellingDuringATLSHandshakeEndsItPromptly() async throws {
        // Accepts and reads, never answers the ClientHello.
        let server = try ScriptedTCPServer(.acceptAndHold)
        defer { server.stop() }
        let transport = HTTPWebhookTransport(configuration: .init(connectTimeoutMs: 30_000))
        let (result, afterCancel) = try await cancelWhileWaiting(transport, "https://127.0.0.1:\(server.port)/hook")
        #expect(result == .failure("cancelled"))
        #expect(afterCancel < .milliseconds(1_500), "\(afterCancel)")
        #expect(server.acceptedCount.load(ordering: .relaxed) == 1)
    }

    @Test func anAnswerSentBeforeTheBodyWasTakenIsReported() async throws {
        let reply = "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        let server = try ScriptedTCPServer(.replyBeforeBody(Array(reply.utf8)))
        defer { server.stop() }
        let transport = HTTPWebhookTransport(configuration: .init(connectTimeoutMs: 2_000))
        // Far more than the socket buffers hold, so sending is still going when the server closes.
        let large = Data(repeating: 0x61, count: 32 << 20)
        let result = await transport.post(url: try #require(URL(string: server.url)), body: large, headers: [:],
                                          timeoutMs: 20_000)
        #expect(result == .status(413))
        #expect(server.acceptedCount.load(ordering: .relaxed) == 1)
    }
}
