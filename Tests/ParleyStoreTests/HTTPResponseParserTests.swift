import Foundation
import Testing
@testable import ParleyStore

/// The response parser and request builder on their own: golden and malformed inputs.
struct HTTPResponseParserTests {
    func parse(_ text: String, maximumBodyBytes: Int = 65_536, pieceBytes: Int = .max) throws(HTTPResponseParser.Failure)
        -> (HTTPResponseParser.Progress, HTTPResponseParser) {
        var parser = HTTPResponseParser(maximumHeadBytes: 256, maximumBodyBytes: maximumBodyBytes)
        var progress = HTTPResponseParser.Progress.needMore
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count, progress == .needMore {
            let end = min(bytes.count, offset + pieceBytes)
            progress = try parser.append(bytes[offset..<end])
            offset = end
        }
        return (progress, parser)
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200),
        ("HTTP/1.0 204 No Content\r\n\r\n", 204),
        ("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", 404),
        ("HTTP/1.1 503 Service Unavailable\nContent-Length: 0\n\n", 503),
        ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 201),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 200),
    ])
    func goldenResponsesComplete(text: String, status: Int) throws {
        #expect(try parse(text).0 == .complete(status: status))
        // The same, a byte at a time.
        #expect(try parse(text, pieceBytes: 1).0 == .complete(status: status))
    }

    @Test func aBodyWithoutLengthEndsAtTheCloseOrTheCap() throws {
        let (progress, parser) = try parse("HTTP/1.1 200 OK\r\n\r\nsome body")
        #expect(progress == .needMore && parser.finish() == 200 && parser.bodyBytes == 9)
        #expect(try parse("HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "x", count: 100), maximumBodyBytes: 50).0
                == .complete(status: 200))
    }

    @Test func aChunkedBodyIsNotWaitedFor() throws {
        // Complete with the head: no chunk has arrived, and a garbled one would not matter.
        #expect(try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").0 == .complete(status: 200))
        #expect(try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED \r\n\r\nzz;\r\n").0 == .complete(status: 200))
        // Split over two fields, the list still ends in chunked (RFC 9110 §5.3).
        #expect(try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n").0
                == .complete(status: 200))
    }

    @Test func aTransferCodingOverridesContentLength() throws {
        // Not chunked last: the body runs to the close (RFC 9112 §6.3), Content-Length ignored.
        let (progress, parser) = try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 2\r\n\r\nabcd")
        #expect(progress == .needMore && parser.finish() == 200 && parser.bodyBytes == 4)
        #expect(try parse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n").0
                == .complete(status: 200))
    }

    @Test func aHeadCutShortHasNoStatus() throws {
        let (progress, parser) = try parse("HTTP/1.1 200 OK\r\nContent-Le")
        #expect(progress == .needMore && parser.finish() == nil)
    }

    @Test(arguments: [
        "HTTP/1.1 2OO OK", "HTTP/2 200 OK", "HTTP/1.1  200 OK", "http/1.1 200 OK", "HTTP/1.1 20 OK",
        "HTTP/1.1 2000 OK", "HTTP/1.1 099 Low", "HTTP/1.1 200\u{7F}OK", "ICY 200 OK", "", "HTTP/1.1 200OK",
        "\r\nHTTP/1.1 200 OK", "SIP/2.0 200 OK", "HTTP/1.x 200 OK",
    ])
    func malformedStatusLinesAreRefused(line: String) {
        #expect(throws: HTTPResponseParser.Failure.self) { try parse(line + "\r\n\r\n") }
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
        "HTTP/1.1 200 OK\r\nName : space before colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded: line\r\n\r\n",
    ])
    func malformedHeadersAreRefused(text: String) {
        #expect(throws: HTTPResponseParser.Failure.self) { try parse(text) }
    }

    @Test(arguments: ["-1", "12a", "", "99999999999999999999", "1, 2"])
    func badContentLengthsAreRefused(value: String) {
        #expect(throws: HTTPResponseParser.Failure.self) { try parse("HTTP/1.1 200 OK\r\nContent-Length: \(value)\r\n\r\n") }
    }

    @Test func conflictingContentLengthsAreRefused() {
        #expect(throws: HTTPResponseParser.Failure.self) {
            try parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
        }
    }

    @Test func anEndlessHeadIsRefused() {
        #expect(throws: HTTPResponseParser.Failure.headTooLong(256)) {
            try parse("HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 300), pieceBytes: 7)
        }
    }

    @Test func failureTextsHideControlBytes() {
        #expect(HTTPResponseParser.Failure.malformedStatusLine(HTTPResponseParser.printable([0x48, 0x00, 0x1B])).description
                == "malformed status line \"H??\"")
    }

    // MARK: Requests

    @Test func theRequestHeadCarriesHostLengthTypeAndClose() throws {
        let request = try HTTPPostRequest(url: try #require(URL(string: "http://crm.example.invalid:8089/hooks/a?x=1")),
                                          body: Data("{}".utf8), headers: ["Idempotency-Key": "k", "Content-Length": "9"])
        let text = String(decoding: request.bytes, as: UTF8.self)
        #expect(request.host == "crm.example.invalid" && request.port == 8089 && request.target == "/hooks/a?x=1")
        #expect(text.hasPrefix("POST /hooks/a?x=1 HTTP/1.1\r\nHost: crm.example.invalid:8089\r\n"))
        #expect(text.contains("\r\nContent-Type: application/json\r\n") && text.contains("\r\nIdempotency-Key: k\r\n"))
        #expect(text.hasSuffix("\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"))
        #expect(!text.contains("Content-Length: 9"))
    }

    @Test func aNameInSeveralSpellingsIsSentOnceCapitalisedFirst() throws {
        let request = try HTTPPostRequest(url: try #require(URL(string: "http://127.0.0.1/h")), body: Data(),
                                          headers: ["content-type": "text/plain", "Content-Type": "application/json",
                                                    "USER-AGENT": "crm-test", "host": "evil", "x-a": "1", "X-A": "2"])
        let lines = String(decoding: request.bytes, as: UTF8.self).components(separatedBy: "\r\n")
        func named(_ field: String) -> [String] { lines.filter { $0.lowercased().hasPrefix(field + ":") } }
        #expect(named("content-type") == ["Content-Type: application/json"])
        #expect(named("user-agent") == ["USER-AGENT: crm-test"])
        #expect(named("host") == ["Host: 127.0.0.1"])
        #expect(named("x-a") == ["X-A: 2"])
    }

    @Test func tokenCharactersAreExactlyRFC9110s() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPPostRequest.tokenBytes[Int(byte)] == tchar.contains(byte), "byte \(byte)")
        }
        #expect(HTTPPostRequest.isToken("X-Parley-Attempt") && !HTTPPostRequest.isToken("a b") && !HTTPPostRequest.isToken(""))
    }

    @Test func anIPv6LiteralIsBracketedOnlyInTheHostHeader() throws {
        let request = try HTTPPostRequest(url: try #require(URL(string: "https://[::1]/h")), body: Data(), headers: [:])
        #expect(request.host == "::1" && request.port == 443 && request.scheme == .https)
        #expect(String(decoding: request.bytes, as: UTF8.self).contains("\r\nHost: [::1]\r\n"))
    }

    @Test func headerInjectionAndOtherSchemesAreRefused() throws {
        let url = try #require(URL(string: "http://127.0.0.1/h"))
        #expect(throws: HTTPRequestError.self) { try HTTPPostRequest(url: url, body: Data(), headers: ["X": "a\r\nEvil: 1"]) }
        #expect(throws: HTTPRequestError.self) { try HTTPPostRequest(url: url, body: Data(), headers: ["Bad Name": "v"]) }
        #expect(throws: HTTPRequestError.self) {
            try HTTPPostRequest(url: try #require(URL(string: "ftp://127.0.0.1/h")), body: Data(), headers: [:])
        }
        #expect(throws: HTTPRequestError.self) {
            try HTTPPostRequest(url: try #require(URL(string: "http://user:pw@127.0.0.1/h")), body: Data(), headers: [:])
        }
    }
}
