import Foundation
import ParleyAdmin
import ParleyRealtime
import Testing

private let token = AdminFixture.token

/// The HTTP layer over real sockets on 127.0.0.1.
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
            fixture.backend.state.withLock { $0.holdReload = true }
            let slow = try fixture.client()
            try slow.send("POST /v1/scripts/reload HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer \(token)\r\n\r\n")
            // While that request is suspended in the backend, another connection is served.
            #expect(fixture.backend.reloadHeld.wait(timeout: .now() + 5) == .success)
            let other = try fixture.client()
            #expect(try other.request("GET", "/healthz").status == 200)
            #expect(try other.request("GET", "/v1/status", token: token).status == 200)
            fixture.backend.releaseReload()
            #expect(try slow.readResponse().status == 200)
        }
    }

    @Test func malformedRequestGets400AndClose() async throws {
        try await blocking {
            let fixture = try AdminFixture()
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("GET /healthz HTTP/1.1\r\nHost: h\r\nBroken header line\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(try (response.json()["error"] as? [String: Any])?["code"] as? String == "badHeader")
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func oversizedHeadersGet431() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.limits = HTTPLimits(maxHeaderBytes: 1024) }
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("GET /healthz HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "x", count: 2000) + "\r\n\r\n")
            #expect(try client.readResponse().status == 431)
            #expect(client.waitForClose())
        }
    }

    @Test func bodyTooLargeGets413() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.limits = HTTPLimits(maxBodyBytes: 100) }
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("POST /v1/campaigns HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer \(token)\r\nContent-Length: 5000\r\n\r\n")
            #expect(try client.readResponse().status == 413)
            #expect(client.waitForClose())
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
            let fixture = try AdminFixture { $0.idleTimeoutMs = 100 }
            defer { fixture.close() }
            let client = try fixture.client()
            #expect(try client.request("GET", "/healthz").status == 200)
            #expect(client.waitForClose(timeoutMs: 5000))
            #expect(fixture.server.localAddress != nil)
        }
    }

    @Test func incompleteRequestTimesOutWith408() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.requestTimeoutMs = 100 }
            defer { fixture.close() }
            let client = try fixture.client()
            try client.send("GET /healthz HTTP/1.1\r\nHost: h\r\n")
            #expect(try client.readResponse().status == 408)
            #expect(client.waitForClose())
        }
    }

    @Test func connectionsOverTheLimitGet503() async throws {
        try await blocking {
            let fixture = try AdminFixture { $0.maxConnections = 1 }
            defer { fixture.close() }
            let first = try fixture.client()
            #expect(try first.request("GET", "/healthz").status == 200)
            let second = try fixture.client()
            #expect(try second.readResponse().status == 503)
            #expect(second.waitForClose())
            #expect(try first.request("GET", "/healthz").status == 200)
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
