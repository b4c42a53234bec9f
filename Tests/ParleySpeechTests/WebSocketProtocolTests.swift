import Foundation
import Testing
@testable import ParleySpeech

@Suite struct SHA1Tests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
    ])
    func knownVectors(input: String, digest: String) {
        #expect(Self.hex(SHA1.digest(Array(input.utf8))) == digest)
    }

    @Test func millionAs() {
        var hasher = SHA1()
        for _ in 0..<1000 { hasher.update([UInt8](repeating: 0x61, count: 1000)) }
        #expect(Self.hex(hasher.finalize()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }
}

@Suite struct WebSocketHandshakeTests {
    @Test func acceptOfTheRFCExample() {
        // RFC 6455 §1.3.
        #expect(WebSocketHandshake.accept(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    static let handshake = WebSocketHandshake(host: "127.0.0.1", port: 2700, path: "/", keyBytes: Array("the sample nonce".utf8))

    @Test func validResponseAndTrailingFrameBytes() throws {
        let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        let bytes = Array(response.utf8) + [0x81, 0x00]
        #expect(try Self.handshake.validate(bytes) == response.utf8.count)
        #expect(try Self.handshake.validate(Array(response.utf8.dropLast(2))) == nil)
        let request = String(decoding: Self.handshake.request, as: UTF8.self)
        #expect(request.hasPrefix("GET / HTTP/1.1\r\n"))
        #expect(request.contains("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"))
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n\r\n", WebSocketHandshake.Failure.Code.status),
        ("HTTP/1.1 101 Switching\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", .missingUpgrade),
        ("HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n", .badAccept),
        ("SSH-2.0\r\n\r\n", .notHTTP),
    ])
    func malformedResponses(response: String, code: WebSocketHandshake.Failure.Code) {
        #expect { try Self.handshake.validate(Array(response.utf8)) } throws: { ($0 as? WebSocketHandshake.Failure)?.code == code }
    }
}

@Suite struct WebSocketFrameTests {
    @Test func maskedClientFrameMatchesTheRFCExample() {
        // RFC 6455 §5.7: a masked "Hello".
        var out: [UInt8] = []
        WebSocketFrame.encode(.text, payload: Array("Hello".utf8), maskKey: [0x37, 0xfa, 0x21, 0x3d], into: &out)
        #expect(out == [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58])
    }

    @Test func extendedLengths() {
        var out: [UInt8] = []
        WebSocketFrame.encode(.binary, payload: [UInt8](repeating: 0, count: 256), maskKey: [0, 0, 0, 0], into: &out)
        #expect(Array(out[0..<4]) == [0x82, 0xFE, 0x01, 0x00])
        out = []
        WebSocketFrame.encode(.binary, payload: [UInt8](repeating: 0, count: 65_536), maskKey: [0, 0, 0, 0], into: &out)
        #expect(Array(out[0..<10]) == [0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test func parsesServerFramesAcrossReads() throws {
        var parser = WebSocketFrameParser()
        let bytes: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f, 0x89, 0x00]
        parser.append(bytes[0..<3])
        #expect(try parser.next() == nil)
        parser.append(bytes[3...])
        #expect(try parser.next() == WebSocketFrame(fin: false, opcode: .text, payload: Array("Hel".utf8)))
        #expect(try parser.next() == WebSocketFrame(fin: true, opcode: .continuation, payload: Array("lo".utf8)))
        #expect(try parser.next() == WebSocketFrame(fin: true, opcode: .ping, payload: []))
        #expect(try parser.next() == nil)
    }

    @Test(arguments: [
        ([0x81, 0x80, 0, 0, 0, 0], WebSocketFrameParser.ParseError.Code.maskedServerFrame),
        ([0xC1, 0x00], .reservedBits),
        ([0x83, 0x00], .unknownOpcode),
        ([0x89, 0x7E, 0x00, 0x7E], .controlFrameTooLong),
        ([0x09, 0x00], .fragmentedControlFrame),
        ([0x82, 0x7E, 0x00, 0x05], .nonMinimalLength),
        ([0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], .payloadTooLong),
    ] as [([UInt8], WebSocketFrameParser.ParseError.Code)])
    func malformedFrames(bytes: [UInt8], code: WebSocketFrameParser.ParseError.Code) {
        var parser = WebSocketFrameParser()
        parser.append(bytes)
        #expect(throws: WebSocketFrameParser.ParseError(code: code)) { try parser.next() }
    }
}

@Suite struct VoskMessageTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: SpeechFixtures.committed("vosk/\(name)")))
    }

    @Test func goldenMessages() throws {
        #expect(try VoskMessage.parse(Self.fixture("partial.json")) == .partial("how much"))
        #expect(try VoskMessage.parse(Self.fixture("result.json")) == .result(text: "how much", words: [
            WordTiming(word: "how", startMs: 210, endMs: 420, confidence: 1),
            WordTiming(word: "much", startMs: 420, endMs: 730, confidence: 0.5),
        ]))
        #expect(try VoskMessage.parse(Self.fixture("empty-result.json")) == .result(text: "", words: []))
    }

    @Test(arguments: ["malformed-times.json", "malformed-type.json", "malformed-neither.json", "malformed-truncated.json"])
    func malformedMessages(name: String) throws {
        let bytes = try Self.fixture(name)
        #expect(throws: VoskMessage.ParseError.self) { try VoskMessage.parse(bytes) }
    }

    @Test func configMessage() throws {
        let text = VoskMessage.config(sampleRateHz: 16000, phrases: ["yes", "no"])
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let config = object?["config"] as? [String: Any]
        #expect(config?["sample_rate"] as? Int == 16000)
        #expect(config?["phrase_list"] as? [String] == ["yes", "no"])
    }

    @Test func endpointsAcceptWebSocketURLsOnly() throws {
        let endpoint = try WebSocketClient.Endpoint(url: "ws://127.0.0.1:2700/asr")
        #expect(endpoint.host == "127.0.0.1" && endpoint.port == 2700 && endpoint.path == "/asr")
        #expect(throws: SpeechError.self) { try WebSocketClient.Endpoint(url: "http://127.0.0.1/") }
        #expect(throws: SpeechError.self) { try WebSocketClient.Endpoint(url: "not a url") }
    }
}
