import Testing
@testable import ParleySIP

let basicInvite = """
INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: "Alice A." <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@pc33.atlanta.example.com>
Content-Type: application/sdp
Content-Length: 4

v=0

"""

@Suite struct SIPParserTests {
    let parser = SIPParser()

    func parseOK(_ text: String) throws -> SIPMessage {
        let outcome = parser.parse([UInt8](crlf: text))
        guard case let .message(m) = outcome else {
            Issue.record("expected a message, got \(outcome)")
            throw SIPParseError(.empty, "unexpected outcome")
        }
        return m
    }

    @Test func parsesTypicalInvite() throws {
        let m = try parseOK(basicInvite)
        #expect(m.method == .invite)
        #expect(m.requestURI?.user == "bob")
        #expect(m.topVia?.branch == "z9hG4bK776asdhds")
        #expect(m.topVia?.port == 5060)
        #expect(m.topVia?.hasRport == true)
        #expect(m.topVia?.rport == nil)
        #expect(m.from?.displayName == "Alice A.")
        #expect(m.from?.tag == "1928301774")
        #expect(m.to?.tag == nil)
        #expect(m.cseq == SIPCSeq(314159, .invite))
        #expect(m.maxForwards == 70)
        #expect(m.callID == "a84b4c76e66710@pc33.atlanta.example.com")
        #expect(m.body == Array("v=0\r".utf8))
    }

    @Test func serializeRoundTrip() throws {
        let m = try parseOK(basicInvite)
        let again = parser.parse(m.serialized())
        #expect(again.message?.headers.count == m.headers.count)
        #expect(again.message?.serialized() == m.serialized())
    }

    @Test func compactNamesAndCaseInsensitivity() throws {
        let m = try parseOK("""
        OPTIONS sip:a@b.example SIP/2.0
        v: SIP/2.0/TCP h.example;branch=z9hG4bK1
        f: <sip:x@y.example>;tag=1
        t: sip:a@b.example
        i: abc
        CSEQ: 1 OPTIONS
        m: <sip:x@h.example>
        k: timer, replaces
        l: 0


        """)
        #expect(m.callID == "abc")
        #expect(m.contacts.count == 1)
        #expect(m.tokens(.supported) == ["timer", "replaces"])
        #expect(m.value("call-id") == "abc")
        #expect(m.text.contains("Call-ID: abc\r\n"))
    }

    @Test func foldingAndMultiValuesOutsideQuotes() throws {
        let m = try parseOK("""
        INVITE sip:a@b.example SIP/2.0
        Via: SIP/2.0/UDP h1.example;branch=z9hG4bK1,
         SIP/2.0/UDP h2.example:5070;branch=z9hG4bK2;received=192.0.2.1
        From: "Doe, John" <sip:j@x.example>;tag=9
        To: <sip:a@b.example>
        Call-ID: c1
        CSeq: 2 INVITE
        Contact: "A, B" <sip:a@h.example>, <sip:b@h.example;transport=tcp>
        WWW-Authenticate: Digest realm="a, b", nonce="x"
        X-Custom: one, two
        Content-Length: 0


        """)
        #expect(m.vias.count == 2)
        #expect(m.vias[1].host == "h2.example")
        #expect(m.vias[1].port == 5070)
        #expect(m.vias[1].received == "192.0.2.1")
        #expect(m.from?.displayName == "Doe, John")
        #expect(m.contacts.map(\.uri.user) == ["a", "b"])
        #expect(m.contacts[1].uri.transport == "tcp")
        #expect(m.values(.wwwAuthenticate).count == 1)
        #expect(m.values("X-Custom") == ["one, two"])
    }

    @Test func viaParametersAndIPv6() throws {
        let v = try SIPVia(parsing: "SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bKx;maddr=239.1.1.1;ttl=16;rport=5000;received=192.0.2.4")
        #expect(v.host == "[2001:db8::1]")
        #expect(v.port == 5062)
        #expect(v.maddr == "239.1.1.1")
        #expect(v.ttl == 16)
        #expect(v.rport == 5000)
        #expect(v.sentBy == "[2001:db8::1]:5062")
        #expect(throws: SIPParseError.self) { try SIPVia(parsing: "SIP/2.0/UDP h.example;ttl=300") }
        #expect(throws: SIPParseError.self) { try SIPVia(parsing: "SIP/2.0 h.example") }
    }

    @Test func quotedStringEscapes() throws {
        let n = try SIPNameAddress(parsing: #""a \"quoted\" \\ name" <sip:u@h.example>;tag=1"#)
        #expect(n.displayName == #"a "quoted" \ name"#)
        #expect(n.tag == "1")
        #expect(n.serialized == #""a \"quoted\" \\ name" <sip:u@h.example>;tag=1"#)
    }

    @Test func unknownHeadersKeptVerbatim() throws {
        let m = try parseOK("""
        OPTIONS sip:a@b.example SIP/2.0
        Via: SIP/2.0/UDP h.example;branch=z9hG4bK1
        From: <sip:x@y.example>;tag=1
        To: <sip:a@b.example>
        Call-ID: c
        CSeq: 1 OPTIONS
        X-Weird-Header: ;;,,"quoted, thing" <x>
        Content-Length: 0


        """)
        #expect(m.value("x-weird-header") == #";;,,"quoted, thing" <x>"#)
        #expect(m.text.contains(#"X-Weird-Header: ;;,,"quoted, thing" <x>"#))
    }

    @Test func badRequestsAreAnsweredWithReason() {
        let text = basicInvite.replacingOccurrences(of: "CSeq: 314159 INVITE", with: "CSeq: 314159 BYE")
        guard case let .badRequest(req, error) = parser.parse([UInt8](crlf: text)) else {
            Issue.record("expected badRequest")
            return
        }
        #expect(error.code == .cseqMethodMismatch)
        #expect(error.statusCode == 400)
        let resp = SIPMessage.response(to: req, statusCode: error.statusCode, reason: error.reason, toTag: "t1")
        #expect(resp.statusCode == 400)
        #expect(resp.reasonPhrase == "CSeq method does not match Request-Line")
        #expect(resp.to?.tag == "t1")
        #expect(resp.callID == "a84b4c76e66710@pc33.atlanta.example.com")
    }

    @Test(arguments: [
        ("Max-Forwards: 70\nMax-Forwards: 69", "More than one Max-Forwards header"),
        ("Max-Forwards: 70\nmax-forwards: 70", "More than one Max-Forwards header"),
        ("Max-Forwards: seventy", "Bad Max-Forwards: not a number"),
        ("Max-Forwards: 70, 69", "Bad Max-Forwards: not a number"),
        ("Max-Forwards: -1", "Bad Max-Forwards: not a number"),
        ("Max-Forwards: 256", "Bad Max-Forwards: out of range 0-255"),
        ("Max-Forwards: 99999999999999999999", "Bad Max-Forwards: out of range 0-255"),
    ])
    func maxForwardsMustBeOneNumberUpTo255(header: String, reason: String) {
        let text = basicInvite.replacingOccurrences(of: "Max-Forwards: 70", with: header)
        guard case let .badRequest(req, error) = parser.parse([UInt8](crlf: text)) else {
            Issue.record("expected 400 for \(header)")
            return
        }
        #expect(error.code == .malformedMaxForwards)
        #expect(error.statusCode == 400)
        #expect(error.reason == reason)
        #expect(SIPMessage.response(to: req, statusCode: error.statusCode, reason: error.reason, toTag: "t").reasonPhrase == reason)
    }

    @Test func maxForwardsBoundsAccepted() throws {
        for value in ["0", "255", "00070"] {
            let m = try parseOK(basicInvite.replacingOccurrences(of: "Max-Forwards: 70", with: "Max-Forwards: \(value)"))
            #expect(m.maxForwards == Int(value))
        }
    }

    @Test func unanswerableMessagesAreDropped() {
        // a response with an error, and a request without a Via
        let noVia = basicInvite.replacingOccurrences(of: "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\n", with: "")
        guard case let .drop(e) = parser.parse([UInt8](crlf: noVia)) else { Issue.record("expected drop"); return }
        #expect(e.code == .missingHeader)
        #expect(parser.parse(Array("\r\n\r\n".utf8)) == .drop(SIPParseError(.empty, "Empty message")))
        guard case .drop = parser.parse(Array("garbage".utf8)) else { Issue.record("expected drop"); return }
    }

    @Test func limitsAreEnforced() {
        var small = SIPLimits()
        small.maxHeaderCount = 5
        guard case let .drop(e1) = SIPParser(limits: small).parse([UInt8](crlf: basicInvite)) else {
            Issue.record("expected drop"); return
        }
        #expect(e1.code == .tooManyHeaders)
        small = SIPLimits(maxMessageBytes: 100)
        guard case let .drop(e2) = SIPParser(limits: small).parse([UInt8](crlf: basicInvite)) else {
            Issue.record("expected drop"); return
        }
        #expect(e2.code == .messageTooLarge)
        small = SIPLimits(maxHeaderValueBytes: 20)
        let outcome = SIPParser(limits: small).parse([UInt8](crlf: basicInvite))
        guard case let .drop(e3) = outcome else { Issue.record("expected drop, got \(outcome)"); return }
        #expect(e3.code == .headerValueTooLong)
    }

    @Test func datagramContentLengthChecked() {
        let long = basicInvite.replacingOccurrences(of: "Content-Length: 4", with: "Content-Length: 40")
        guard case let .badRequest(_, e) = parser.parse([UInt8](crlf: long)) else { Issue.record("expected 400"); return }
        #expect(e.code == .contentLengthMismatch)
        let short = basicInvite.replacingOccurrences(of: "Content-Length: 4", with: "Content-Length: 2")
        #expect(parser.parse([UInt8](crlf: short)).message?.body == Array("v=".utf8))
    }

    @Test func streamFramerHandlesPartialAndPipelined() {
        let one = SIPParser().parse([UInt8](crlf: basicInvite)).message!.serialized()
        var framer = SIPStreamFramer()
        framer.append(one.prefix(50))
        #expect(framer.next() == nil)
        framer.append(one.dropFirst(50))
        framer.append(Array("\r\n\r\n".utf8))
        framer.append(one)
        framer.append(one.prefix(10))
        #expect(framer.next() == .message(one))
        #expect(framer.next() == .keepAlivePing)
        #expect(framer.next() == .message(one))
        #expect(framer.next() == nil)
        #expect(framer.pendingByteCount == 10)
        if case let .message(bytes) = SIPStreamFramer.Frame.message(one) {
            #expect(parser.parse(bytes, framing: .stream).message?.method == .invite)
        }
    }

    @Test func streamFramerRejectsMissingContentLengthAndOversize() {
        var framer = SIPStreamFramer()
        framer.append(Array("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n".utf8))
        guard case .error = framer.next() else { Issue.record("expected error"); return }
        var small = SIPStreamFramer(limits: SIPLimits(maxMessageBytes: 64))
        small.append([UInt8](repeating: UInt8(ascii: "a"), count: 100))
        guard case let .error(e) = small.next() else { Issue.record("expected error"); return }
        #expect(e.code == .messageTooLarge)
    }

    @Test func statusLine() throws {
        let m = try parseOK("""
        SIP/2.0 180 Ringing Now
        Via: SIP/2.0/UDP h.example;branch=z9hG4bK1
        From: <sip:x@y.example>;tag=1
        To: <sip:a@b.example>;tag=2
        Call-ID: c
        CSeq: 1 INVITE
        Content-Length: 0


        """)
        #expect(m.statusCode == 180)
        #expect(m.reasonPhrase == "Ringing Now")
        #expect(m.text.hasPrefix("SIP/2.0 180 Ringing Now\r\n"))
    }
}

@Suite struct StreamFramerTrickleTests {
    @Test func byteByByteDeliveryFramesEachMessage() {
        let one = SIPParser().parse([UInt8](crlf: basicInvite)).message!.serialized()
        var framer = SIPStreamFramer()
        var frames: [SIPStreamFramer.Frame] = []
        for b in one + one {
            framer.append([b])
            while let f = framer.next() { frames.append(f) }
        }
        #expect(frames == [.message(one), .message(one)])
        #expect(framer.pendingByteCount == 0)
    }
}
