import Foundation
import ParleyAdmin
import ParleyRealtime
import Testing

private let token = AdminFixture.token

/// The HTTP layer (libmicrohttpd) over real sockets on 127.0.0.1 and ::1.
@Suite struct HTTPServerTests {

    @Test func keepAliveServesTwoRequestsOnOneConnection() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            let first = try client.request("GET", "/v1/status", token: token)
            #expect(first.status == 200)
            #expect(first.header("Connection") == nil)
            let second = try client.request("GET", "/healthz")
            #expect(second.status == 200)
            #expect(fixture.server.localAddress != nil)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            let auth = "Authorization: Bearer \(token)\r\n"
            try client.send("GET /v1/calls/c-1 HTTP/1.1\r\nHost: h\r\n\(auth)\r\n"
                            + "GET /v1/calls/nope HTTP/1.1\r\nHost: h\r\n\(auth)\r\n"
                            + "GET /v1/calls/c-2 HTTP/1.1\r\nHost: h\r\n\(auth)Connection: close\r\n\r\n")
            let a = try client.readResponse()
            let b = try client.readResponse()
            let c = try client.readResponse()
            #expect(a.status == 200 && a.text.contains("\"c-1\""))
            #expect(b.status == 404)
            #expect(c.status == 200 && c.text.contains("\"c-2\""))
            #expect(c.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func slowHandlerDoesNotBlockOtherConnections() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            // While that request is suspended in the backend, another connection is served.
            let slow = try fixture.clientWithReloadHeld()
            let other = try fixture.client()
            #expect(try other.request("GET", "/healthz").status == 200)
            #expect(try other.request("GET", "/v1/status", token: token).status == 200)
            fixture.backend.releaseReload()
            #expect(try slow.readResponse().status == 200)
        }
    }

    @Test func targetReachesTheRouterAsSent() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            // The path is decoded once, by the router: %2D is "-", and %2F stays inside one segment.
            #expect(try client.request("GET", "/v1/calls/c%2D1", token: token).status == 200)
            #expect(try client.request("GET", "/v1/calls/c%2F1/hangup", token: token, body: "").status == 405)
            // Query values are percent-decoded with "+" as a space.
            let export = try client.request("GET", "/v1/calls/export?disposition=no%20answer+yet&script=d%C3%A9mo",
                                            token: token)
            #expect(export.status == 200)
            let query = fixture.backend.state.withLock { $0.exportQueries.last }
            #expect(query?.disposition == "no answer yet")
            #expect(query?.script == "démo")
            #expect(try client.request("GET", "/v1/calls/%zz", token: token).status == 400)
        }
    }

    @Test func malformedRequestGets400AndClose() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("GET /healthz HTTP/1.1\r\nHost: h\r\nBroken header line\r\n\r\n")
            // libmicrohttpd answers this itself (an HTML body), before the handler sees anything.
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
            #expect(fixture.backend.state.withLock { $0.exportQueries.isEmpty })
        }
    }

    @Test func invalidContentLengthGets400() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("POST /v1/campaigns HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer \(token)\r\nContent-Length: 12x\r\n\r\n")
            #expect(try client.readResponse().status == 400)
            #expect(client.waitForClose())
            #expect(fixture.backend.state.withLock { $0.campaignBodies.isEmpty })
        }
    }

    @Test func expectContinueGets100BeforeTheBody() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            let body = "{\"name\":\"later\"}"
            try client.send("POST /v1/campaigns HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer \(token)\r\n"
                            + "Expect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send(body)
            let created = try client.readResponse()
            #expect(created.status == 201)
            #expect(try created.json()["name"] as? String == "later")
        }
    }

    @Test func unsupportedVersionGets505() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("GET /healthz HTTP/2.5\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().status == 505)
            #expect(client.waitForClose())
        }
    }

    @Test func headersOverTheLimitGet431() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.limits = HTTPLimits(maxHeaderBytes: 1024) }
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("GET /healthz HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "x", count: 2000) + "\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 431)
            #expect(try (response.json()["error"] as? [String: Any])?["code"] as? String == "headersTooLarge")
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func headersBeyondTheConnectionMemoryGet431FromLibmicrohttpd() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let memory = HTTPLimits().connectionMemoryBytes
            let client = try fixture.client()
            try client.send("GET /healthz HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "x", count: 2 * memory) + "\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 431)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func longTargetGets414() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.limits = HTTPLimits(maxRequestLineBytes: 64) }
            defer { fixture.close() }
            let client = try fixture.client()
            let response = try client.request("GET", "/healthz?pad=" + String(repeating: "x", count: 100))
            #expect(response.status == 414)
            #expect(try (response.json()["error"] as? [String: Any])?["code"] as? String == "requestLineTooLong")
            #expect(client.waitForClose())
            // A request line that does not fit the connection's memory: libmicrohttpd's own 414.
            let huge = try fixture.client()
            try huge.send("GET /healthz?pad=" + String(repeating: "x", count: 2 * HTTPLimits().connectionMemoryBytes)
                          + " HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try huge.readResponse().status == 414)
            #expect(huge.waitForClose())
        }
    }

    @Test func tooManyHeadersGet431() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.limits = HTTPLimits(maxHeaderCount: 4) }
            defer { fixture.close() }
            let client = try fixture.client()
            let response = try client.request("GET", "/healthz", extraHeaders: (1...5).map { "X-N\($0): v" })
            #expect(response.status == 431)
            #expect(try (response.json()["error"] as? [String: Any])?["code"] as? String == "tooManyHeaders")
            #expect(client.waitForClose())
        }
    }

    @Test func bodyTooLargeGets413() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.limits = HTTPLimits(maxBodyBytes: 100) }
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("POST /v1/campaigns HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer \(token)\r\nContent-Length: 5000\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(try (response.json()["error"] as? [String: Any])?["code"] as? String == "bodyTooLarge")
            #expect(client.waitForClose())
            #expect(fixture.backend.state.withLock { $0.campaignBodies.isEmpty })
        }
    }

    @Test func chunkedBodyIsAssembled() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("POST /v1/campaigns HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer \(token)\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"nam\r\nc\r\ne\":\"chunky\"}\r\n0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 201)
            #expect(try response.json()["name"] as? String == "chunky")
            #expect(fixture.backend.state.withLock { $0.campaignBodies } == [Array("{\"name\":\"chunky\"}".utf8)])
        }
    }

    @Test func chunkedBodyOverTheLimitClosesTheConnection() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.limits = HTTPLimits(maxBodyBytes: 16) }
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("POST /v1/campaigns HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer \(token)\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n20\r\n" + String(repeating: "x", count: 32) + "\r\n0\r\n\r\n")
            #expect(client.waitForClose())
            #expect(client.received.isEmpty)
            #expect(fixture.backend.state.withLock { $0.campaignBodies.isEmpty })
        }
    }

    @Test func http10ClosesAfterTheResponse() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("GET /healthz HTTP/1.0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func headCarriesLengthButNoBody() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("HEAD /healthz HTTP/1.1\r\nHost: h\r\n\r\nGET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")
            // The HEAD answer announces a length but sends no body, so the next bytes are the GET's.
            let get = try client.readResponseAfterHead()
            #expect(get.status == 200)
            #expect(get.text.contains("\"ok\""))
        }
    }

    @Test func idleConnectionIsClosed() async throws {
        try await blocking {
            // libmicrohttpd counts whole seconds: 100 ms becomes 1 s.
            let fixture = try AdminFixture { $0.idleTimeoutMs = 100 }
            defer { fixture.close() }
            let client = try fixture.client()
            #expect(try client.request("GET", "/healthz").status == 200)
            #expect(client.waitForClose(timeoutMs: 5000))
        }
    }

    @Test func incompleteRequestIsClosedAfterTheTimeout() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.idleTimeoutMs = 100 }
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("GET /healthz HTTP/1.1\r\nHost: h\r\n")
            // libmicrohttpd closes a stalled request without an answer (no 408).
            #expect(client.waitForClose(timeoutMs: 5000))
            #expect(client.received.isEmpty)
        }
    }

    @Test func connectionsOverTheLimitWaitUntilOneCloses() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.maxConnections = 1 }
            defer { fixture.close() }
            let first = try fixture.client()
            #expect(try first.request("GET", "/healthz").status == 200)
            // The second connection completes in the kernel's listen backlog, but
            // libmicrohttpd does not accept it while the first is open.
            let second = try fixture.client()
            try second.send("GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(fixture.server.connectionCount == 1)
            first.close()
            #expect(try second.readResponse().status == 200)
        }
    }

    @Test func stopWithARequestInFlightClosesItsConnection() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let slow = try fixture.clientWithReloadHeld()
            // The connection is suspended in libmicrohttpd: stop resumes it and closes it,
            // with a 503 when libmicrohttpd's thread gets to it before shutting down.
            fixture.server.stop()
            #expect(fixture.server.localAddress == nil)
            #expect(slow.waitForClose())
            if !slow.received.isEmpty {
                let response = try slow.readResponse()
                #expect(response.status == 503)
                #expect(try (response.json()["error"] as? [String: Any])?["code"] as? String == "unavailable")
            }
            // The answer that comes after the stop finds no connection to resume.
            fixture.backend.releaseReload()
        }
    }

    /// With a grace time the answer being computed still goes out, while new requests are
    /// refused; the plain stop above drops it.
    @Test func stopWithAGraceTimeAnswersTheRequestInFlight() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let slow = try fixture.clientWithReloadHeld()
            let server = fixture.server
            let stopped = DispatchSemaphore(value: 0)
            Task {
                await server.stop(graceMs: 10_000)
                stopped.signal()
            }
            // The server is stopping once a new request is refused.
            var refused = false
            let deadline = Date().addingTimeInterval(5)
            while !refused && Date() < deadline {
                let other = try fixture.client()
                refused = try other.request("GET", "/healthz").status == 503
                other.close()
            }
            #expect(refused, "new requests are refused while stopping")
            #expect(server.localAddress != nil, "still serving the request in flight")
            fixture.backend.releaseReload()
            #expect(try slow.readResponse().status == 200)
            slow.close()
            #expect(stopped.wait(timeout: .now() + 10) == .success)
            #expect(server.localAddress == nil)
        }
    }

    @Test func servesOverIPv6Loopback() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.listenAddress = .ipv6Loopback(port: 0) }
            defer { fixture.close() }
            let address = try #require(fixture.server.localAddress)
            #expect(address.family == .ipv6)
            let client = try TestClient(address: address)
            #expect(try client.request("GET", "/healthz").status == 200)
        }
    }

    @Test func startOnAPortInUseFails() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let second = AdminServer(configuration: .init(listenAddress: .ipv4Loopback(port: fixture.port), token: nil),
                                     backend: FakeBackend(), metrics: MetricsRegistry())
            #expect(throws: HTTPServerError.self) { try second.start() }
            #expect(second.localAddress == nil)
        }
    }
}

extension TestClient {
    /// Reads a HEAD response's head, then the following full response.
    func readResponseAfterHead() throws -> WireResponse {
        let head = try readHeadOnly()
        #expect(head.status == 200)
        #expect(head.header("Content-Length").flatMap(Int.init) ?? 0 > 0)
        return try readResponse()
    }

    private func readHeadOnly() throws -> WireResponse {
        // Temporarily treat the announced length as zero: read up to the blank line only.
        let deadline = Monotonic.nowMs() + 5000
        while true {
            if let end = Self.headEnd(received) {
                let headText = String(decoding: received[0..<end], as: UTF8.self)
                received.removeFirst(end + 4)
                let lines = headText.components(separatedBy: "\r\n")
                let status = Int(lines[0].split(separator: " ")[1]) ?? 0
                let headers = lines.dropFirst().map { line -> (String, String) in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    return (String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
                }
                return WireResponse(status: status, headers: headers, body: [])
            }
            if Monotonic.nowMs() > deadline { throw TestFailure("no HEAD response") }
            try fillOnce(deadline: deadline)
        }
    }

    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }
    }
}
