import Testing
@testable import ParleySIP

@Suite struct SIPURITests {
    @Test func parsesComponents() throws {
        let u = try SIPURI(parsing: "sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent")
        #expect(u.scheme == .sips)
        #expect(u.user == "alice")
        #expect(u.password == "secret")
        #expect(u.host == "atlanta.example.com")
        #expect(u.port == 5061)
        #expect(u.transport == "tcp")
        #expect(u.isLooseRouter)
        #expect(u.headers.map(\.name) == ["subject", "priority"])
        #expect(u.serialized == "sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent")
    }

    @Test func ipv6References() throws {
        let u = try SIPURI(parsing: "sip:bob@[2001:db8::10]:5070;maddr=[2001:db8::1]")
        #expect(u.host == "[2001:db8::10]")
        #expect(u.hostAddress == "2001:db8::10")
        #expect(u.port == 5070)
        #expect(u.parameters["maddr"] == "[2001:db8::1]")
        #expect(throws: SIPParseError.self) { try SIPURI(parsing: "sip:[2001:db8::1") }
        #expect(throws: SIPParseError.self) { try SIPURI(parsing: "sip:[zz::1]") }
    }

    @Test func telURI() throws {
        let u = try SIPURI(parsing: "tel:+1-201-555-0123;phone-context=example.com")
        #expect(u.scheme == .tel)
        #expect(u.user == "+1-201-555-0123")
        #expect(u.parameters["phone-context"] == "example.com")
        #expect(u.serialized == "tel:+1-201-555-0123;phone-context=example.com")
    }

    @Test func rejectsMalformed() {
        for bad in ["sip:", "http://x", "sip:user@", "sip:a b@h", "sip:h:99999", "sip:u%zz@h", "sip:h;=x", "sip:-h.example", "sip:u@h?x"] {
            #expect(throws: SIPParseError.self, "\(bad)") { try SIPURI(parsing: bad) }
        }
    }

    @Test func comparisonPerSection19_1_4() throws {
        func eq(_ a: String, _ b: String) throws -> Bool {
            try SIPURI(parsing: a).isEquivalent(to: SIPURI(parsing: b))
        }
        // equivalent (RFC 3261 §19.1.4 examples)
        #expect(try eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"))
        #expect(try eq("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"))
        #expect(try eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;newparam=5"))
        #expect(try eq("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                       "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"))
        #expect(try eq("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
                       "sip:alice@atlanta.com?priority=urgent&subject=project%20x"))
        // not equivalent
        #expect(try !eq("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"))
        #expect(try !eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"))
        #expect(try !eq("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"))
        #expect(try !eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"))
        #expect(try !eq("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"))
        #expect(try !eq("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"))
        #expect(try !eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"))
        #expect(try !eq("sip:alice@atlanta.com", "sips:alice@atlanta.com"))
    }
}

@Suite struct FuzzRegressionTests {
    /// A display name with an escaped LF parsed, and its serialization did not (found by sip-uri fuzzing).
    @Test func escapedLineFeedInQuotedDisplayName() throws {
        let raw = try Fixtures.bytes("uris/fuzz-crash-escaped-lf.txt")
        let text = String(decoding: raw, as: UTF8.self)
        if let n = try? SIPNameAddress(parsing: text) {
            #expect((try? SIPNameAddress(parsing: n.serialized)) != nil)
        }
        #expect(throws: SIPParseError.self) { try SIPNameAddress(parsing: "\"a\\\nb\" <sip:u@h.example>") }
        let built = SIPNameAddress(displayName: "line\r\nbreak", uri: SIPURI(host: "h.example"))
        #expect(try SIPNameAddress(parsing: built.serialized).displayName == "line  break")
    }
}
