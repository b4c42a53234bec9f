import Foundation
import Synchronization
import Testing
@testable import ParleyStore

/// The webhook HTTP client against real servers on 127.0.0.1: python's http.server (plain and
/// TLS) and raw sockets that refuse, hold, cut off or garble the answer.
@Suite(.serialized) struct HTTPTransportTests {
    let transport = HTTPWebhookTransport(configuration: .init(connectTimeoutMs: 2_000))
    let body = Data(#"{"call_id":"c1"}"#.utf8)

    func post(_ url: String, timeoutMs: Int = 5_000, via transport: HTTPWebhookTransport? = nil,
              headers: [String: String] = ["Idempotency-Key": "k1"]) async throws -> (TransportResult, Duration) {
        let started = ContinuousClock.now
        let result = await (transport ?? self.transport).post(url: try #require(URL(string: url)), body: body,
                                                               headers: headers, timeoutMs: timeoutMs)
        return (result, started.duration(to: .now))
    }

    func failureText(_ result: TransportResult) -> String? {
        if case .failure(let text) = result { return text }
        return nil
    }

    @Test func successClientAndServerErrorStatusesAreReported() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let server = try HTTPTestServer(directory: dir, statuses: [201, 404, 503])
        defer { server.stop() }
        var results: [TransportResult] = []
        for _ in 0..<3 { results.append(try await post(server.url).0) }
        #expect(results == [.status(201), .status(404), .status(503)])
        let requests = try server.requests()
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.path == "/hook" && $0.idempotencyKey == "k1"
            && $0.contentType == "application/json" && $0.body == #"{"call_id":"c1"}"# })
    }

    @Test func aRefusedConnectionFailsWithoutWaitingForTheTimeout() async throws {
        let port = try ScriptedTCPServer.refusedPort()
        let (result, elapsed) = try await post("http://127.0.0.1:\(port)/hook", timeoutMs: 30_000)
        let text = try #require(failureText(result))
        #expect(text.contains("refused"), "\(text)")
        #expect(elapsed < .seconds(10))
    }

    @Test func aServerThatAcceptsAndNeverAnswersTimesOut() async throws {
        let server = try ScriptedTCPServer(.acceptAndHold)
        defer { server.stop() }
        let (result, elapsed) = try await post(server.url, timeoutMs: 600)
        let text = try #require(failureText(result))
        #expect(text.hasPrefix("timeout"), "\(text)")
        #expect(elapsed >= .milliseconds(550))
        // Generous for a loaded 2-core machine; URLSession took minutes here.
        #expect(elapsed < .milliseconds(600 + 4_000))
    }

    @Test func aListenerThatNeverAcceptsTimesOut() async throws {
        let server = try ScriptedTCPServer(.neverAccept)
        defer { server.stop() }
        let (result, elapsed) = try await post(server.url, timeoutMs: 600)
        #expect(failureText(result)?.hasPrefix("timeout") == true, "\(result)")
        #expect(elapsed < .milliseconds(600 + 4_000))
    }

    @Test func aConnectThatGetsNoAnswerEndsAtTheConnectTimeout() async throws {
        let server = try ScriptedTCPServer(.dropConnects)
        defer { server.stop() }
        let transport = HTTPWebhookTransport(configuration: .init(connectTimeoutMs: 400))
        let (result, elapsed) = try await post(server.url, timeoutMs: 20_000, via: transport)
        let text = try #require(failureText(result))
        #expect(text.hasPrefix("timeout (connect)"), "\(text)")
        #expect(elapsed >= .milliseconds(350))
        #expect(elapsed < .milliseconds(400 + 4_000))
    }

    @Test func aServerClosingInTheMiddleOfTheHeadIsAFailure() async throws {
        let server = try ScriptedTCPServer(.reply(Array("HTTP/1.1 200 OK\r\nContent-Le".utf8), closeAfter: true))
        defer { server.stop() }
        let (result, _) = try await post(server.url)
        let text = try #require(failureText(result))
        #expect(text.contains("closed the connection in the middle of the response head"), "\(text)")
    }

    @Test func aServerClosingWithoutAnAnswerIsAFailure() async throws {
        let server = try ScriptedTCPServer(.reply([], closeAfter: true))
        defer { server.stop() }
        let (result, _) = try await post(server.url)
        #expect(failureText(result)?.contains("closed the connection without answering") == true, "\(result)")
    }

    @Test func aMalformedStatusLineIsAFailureNamingIt() async throws {
        let server = try ScriptedTCPServer(.reply(Array("HTTP/1.1 2OO OK\r\n\r\n".utf8), closeAfter: true))
        defer { server.stop() }
        let (result, _) = try await post(server.url)
        let text = try #require(failureText(result))
        #expect(text.contains("malformed status line \"HTTP/1.1 2OO OK\""), "\(text)")
    }

    @Test func anInterimResponseAndAChunkedBodyEndWithoutWaitingForTheClose() async throws {
        let reply = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        let server = try ScriptedTCPServer(.reply(Array(reply.utf8), closeAfter: false))
        defer { server.stop() }
        let (result, elapsed) = try await post(server.url, timeoutMs: 20_000)
        #expect(result == .status(200))
        #expect(elapsed < .seconds(10), "returned at the body's end, not at the deadline")
    }

    @Test func aLongBodyIsReadOnlyUpToTheCap() async throws {
        let head = Array("HTTP/1.1 202 Accepted\r\nContent-Length: 10000000\r\n\r\n".utf8)
        let server = try ScriptedTCPServer(.reply(head + [UInt8](repeating: 0x61, count: 70_000), closeAfter: false))
        defer { server.stop() }
        let (result, elapsed) = try await post(server.url, timeoutMs: 20_000)
        #expect(result == .status(202))
        #expect(elapsed < .seconds(10), "stopped at the 64 KiB cap, not at the deadline")
    }

    @Test func aRedirectIsReportedNotFollowed() async throws {
        let reply = "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n"
        let server = try ScriptedTCPServer(.reply(Array(reply.utf8), closeAfter: true))
        defer { server.stop() }
        let (result, _) = try await post(server.url)
        #expect(result == .status(302))
        #expect(server.acceptedCount.load(ordering: .relaxed) == 1)
    }

    @Test func aHostNameIsResolved() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let server = try HTTPTestServer(directory: dir, statuses: [200])
        defer { server.stop() }
        // localhost may resolve to ::1 first, where nothing listens: the next address is tried.
        let (result, _) = try await post("http://localhost:\(server.port)/hook")
        #expect(result == .status(200))
    }

    @Test func anIPv6LiteralIsConnectedToAndNamedInTheHostHeader() async throws {
        let server = try ScriptedTCPServer(.reply(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8), closeAfter: false), ipv6: true)
        defer { server.stop() }
        let (result, _) = try await post(server.url)
        #expect(result == .status(204))
        let head = server.lastRequestHead.withLock { $0 }
        #expect(head.hasPrefix("POST /hook HTTP/1.1\r\nHost: [::1]:\(server.port)\r\n"), "\(head)")
        #expect(head.contains("\r\nConnection: close\r\n") && head.contains("\r\nContent-Length: 16\r\n"))
    }

    @Test func cancellingTheCallerEndsTheExchangeEarly() async throws {
        let server = try ScriptedTCPServer(.acceptAndHold)
        defer { server.stop() }
        let url = try #require(URL(string: server.url))
        let started = ContinuousClock.now
        let task = Task { [transport, body] in
            await transport.post(url: url, body: body, headers: [:], timeoutMs: 60_000)
        }
        // Wait (bounded) until the request is on the wire, then cancel.
        let deadline = ContinuousClock.now + .seconds(10)
        while server.acceptedCount.load(ordering: .relaxed) == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(server.acceptedCount.load(ordering: .relaxed) == 1)
        task.cancel()
        let result = await task.value
        #expect(failureText(result) == "cancelled")
        #expect(started.duration(to: .now) < .seconds(20))
    }
}
