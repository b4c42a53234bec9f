import Testing
@testable import ParleyAdmin

@Suite struct HTTPRequestParserTests {
    func parse(_ text: String, limits: HTTPLimits = HTTPLimits()) -> [HTTPRequestParser.Result] {
        var parser = HTTPRequestParser(limits: limits)
        parser.append(Array(text.utf8))
        var results: [HTTPRequestParser.Result] = []
        while true {
            let result = parser.next()
            results.append(result)
            if case .request = result { continue }
            return results
        }
    }

    func failure(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPParseError? {
        if case .failed(let error)? = parse(text, limits: limits).last { return error }
        return nil
    }

    @Test func parsesGetWithQuery() throws {
        let results = parse("GET /v1/calls?active=true&x=a%20b+c HTTP/1.1\r\nHost: localhost\r\nX-Empty:\r\n\r\n")
        guard case .request(let request) = results.first else { Issue.record("no request: \(results)"); return }
        #expect(request.method == "GET")
        #expect(request.path == "/v1/calls")
        #expect(request.query == ["active": "true", "x": "a b c"])
        #expect(request.header("host") == "localhost")
        #expect(request.header("X-Empty") == "")
        #expect(request.keepAlive)
        #expect(results.last == .needMoreData)
    }

    @Test func parsesBodyDeliveredByteByByte() {
        let text = "POST /v1/campaigns HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n{\"a\":\"b c\"}"
        var parser = HTTPRequestParser()
        var got: HTTPRequest?
        for byte in text.utf8 {
            #expect(got == nil)
            parser.append([byte])
            if case .request(let r) = parser.next() { got = r }
        }
        #expect(got?.body == Array("{\"a\":\"b c\"}".utf8))
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func parsesPipelinedRequestsInOrder() {
        let one = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
        let two = "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz"
        let three = "GET /c HTTP/1.0\r\n\r\n"
        let paths = parse("\r\n" + one + two + three).compactMap { result -> String? in
            if case .request(let r) = result { return r.path }
            return nil
        }
        #expect(paths == ["/a", "/b", "/c"])
    }

    /// Found by the fuzz target: empty lines before a request were skipped differently
    /// depending on where the input was split.
    @Test func leadingEmptyLinesParseTheSameHoweverSplit() {
        let text = Array("\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        for cut in 0...text.count {
            var parser = HTTPRequestParser()
            parser.append(text[..<cut])
            var paths: [String] = []
            if case .request(let r) = parser.next() { paths.append(r.path) }
            parser.append(text[cut...])
            if case .request(let r) = parser.next() { paths.append(r.path) }
            #expect(paths == ["/"], "cut at \(cut)")
        }
    }

    @Test func keepAliveFollowsVersionAndConnectionHeader() {
        #expect(!HTTPRequest(method: "GET", target: "/", minorVersion: 0).keepAlive)
        #expect(HTTPRequest(method: "GET", target: "/", minorVersion: 0,
                            headers: [HTTPHeader(name: "Connection", value: "Keep-Alive")]).keepAlive)
        #expect(!HTTPRequest(method: "GET", target: "/", headers: [HTTPHeader(name: "connection", value: "close")]).keepAlive)
        #expect(HTTPRequest(method: "GET", target: "/").keepAlive)
    }

    @Test(arguments: [
        ("GET /\r\nHost: h\r\n\r\n", HTTPParseError.Code.badRequestLine),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .badRequestLine),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .badRequestLine),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .badRequestLine),
        ("GET / HTTX/1.1\r\nHost: h\r\n\r\n", .badRequestLine),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion),
        ("GET http://example.test/ HTTP/1.1\r\nHost: h\r\n\r\n", .badTarget),
        ("GET /a%zz?x=%q HTTP/1.1\r\nHost: h\r\n\r\n", .badTarget),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost),
        ("GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n", .badHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", .badHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\n: empty\r\n\r\n", .badHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n", .badHeader),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1}b\r\n\r\n", .badHeader),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", .badContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", .badContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", .badContentLength),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .unsupportedTransferEncoding),
    ])
    func rejectsMalformedInput(text: String, code: HTTPParseError.Code) {
        #expect(failure(text)?.code == code, "\(text.debugDescription)")
    }

    @Test func malformedStatusesAre400Family() {
        #expect(failure("GET /\r\nHost: h\r\n\r\n")?.status == 400)
        #expect(failure("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n")?.status == 501)
    }

    @Test func headerBlockOverLimitIs431EvenBeforeItEnds() {
        let limits = HTTPLimits(maxHeaderBytes: 256)
        let partial = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "a", count: 300)
        #expect(failure(partial, limits: limits)?.status == 431)
        #expect(failure(partial + "\r\n\r\n", limits: limits)?.status == 431)
    }

    @Test func tooManyHeadersIs431() {
        let headers = (0..<10).map { "X-\($0): v\r\n" }.joined()
        #expect(failure("GET / HTTP/1.1\r\nHost: h\r\n\(headers)\r\n", limits: HTTPLimits(maxHeaderCount: 8))?.code == .tooManyHeaders)
        #expect(failure("GET / HTTP/1.1\r\nHost: h\r\n\(headers)\r\n", limits: HTTPLimits(maxHeaderCount: 11)) == nil)
    }

    @Test func longRequestLineIs414() {
        let target = "/" + String(repeating: "p", count: 200)
        #expect(failure("GET \(target)", limits: HTTPLimits(maxRequestLineBytes: 100))?.status == 414)
    }

    @Test func bodyOverLimitIs413BeforeTheBodyArrives() {
        let error = failure("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n", limits: HTTPLimits(maxBodyBytes: 1000))
        #expect(error?.status == 413)
    }

    @Test func staysFailedAfterAnError() {
        var parser = HTTPRequestParser()
        parser.append(Array("BAD\r\n\r\n".utf8))
        guard case .failed = parser.next() else { Issue.record("expected failure"); return }
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        guard case .failed = parser.next() else { Issue.record("expected to stay failed"); return }
        #expect(parser.hasFailed)
    }

    @Test func arbitraryBytesNeverTrap() {
        // A deterministic byte soup made of HTTP-ish fragments (the fuzz target goes further).
        let fragments = ["GET ", "/", " HTTP/1.1", "\r\n", ":", "Host: h", "Content-Length: 3", "\u{0}", "\r\n\r\n", "%", "?", "é"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<500 {
            var parser = HTTPRequestParser(limits: HTTPLimits(maxHeaderBytes: 512, maxHeaderCount: 8, maxBodyBytes: 64))
            for _ in 0..<30 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                parser.append(Array(fragments[Int(state >> 33) % fragments.count].utf8))
                while case .request = parser.next() {}
            }
        }
    }
}
