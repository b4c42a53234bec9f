import Testing
@testable import ParleySDP

@Suite struct SDPParserTests {
    @Test func fixtureFoldersArePresent() {
        #expect(Fixtures.names("seeds").count >= 5, "golden SDP fixtures missing under Fuzz/SDP/seeds")
        #expect(Fixtures.names("malformed").count >= 18, "malformed SDP fixtures missing under Fuzz/SDP/malformed")
    }

    @Test func sippOffer() throws {
        let sdp = try SessionDescription(parsing: try Fixtures.load("seeds", "sipp-uac.sdp"))
        #expect(sdp.origin.username == "user1")
        #expect(sdp.origin.sessionID == "53655765")
        #expect(sdp.origin.sessionVersion == 2353687637)
        #expect(sdp.connection == Connection(addressType: .ip4, address: "127.0.0.1"))
        #expect(sdp.media.count == 1)
        #expect(sdp.media[0].port == 6000)
        #expect(sdp.media[0].payloadTypes == [0])
        #expect(sdp.media[0].rtpMap(for: 0)?.encodingName == "PCMU")
        #expect(sdp.effectiveDirection(forMedia: 0) == .sendrecv)
    }

    @Test func linphoneOfferKeepsUnknownAttributes() throws {
        let sdp = try SessionDescription(parsing: try Fixtures.load("seeds", "linphone-opus.sdp"))
        let m = sdp.media[0]
        #expect(m.payloadTypes == [96, 0, 8, 101])
        #expect(m.rtpMap(for: 96) == .init(payloadType: 96, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(m.rtpMap(for: 8)?.encodingName == "PCMA")   // static table
        #expect(m.fmtp(for: 101) == "0-16")
        #expect(m.fmtp(for: 96) == "useinbandfec=1")
        #expect(m.ptimeMs == 20)
        #expect(m.maxptimeMs == 40)
        #expect(m.direction == .sendrecv)
        #expect(m.attributes.contains(Attribute("x-unknown-thing", "value with spaces")))
        #expect(sdp.attributes == [Attribute("rtcp-xr", "rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics")])
        #expect(sdp.bandwidths == [Bandwidth(type: "AS", kilobitsPerSecond: 80)])
    }

    @Test func ipv6MediaLevelConnectionAndMultipleStreams() throws {
        let sdp = try SessionDescription(parsing: try Fixtures.load("seeds", "ipv6-multi.sdp"))
        #expect(sdp.connection == nil)
        #expect(sdp.origin.addressType == .ip6)
        #expect(sdp.media.map(\.media) == ["audio", "video", "application"])
        #expect(sdp.effectiveConnection(forMedia: 0) == Connection(addressType: .ip6, address: "2001:db8::2"))
        #expect(sdp.media[0].rtcpPort == 49171)
        #expect(sdp.media[0].ptimeMs == 30)
        #expect(sdp.media[2].formats == ["*"])
    }

    @Test func allFieldsSurviveARoundTrip() throws {
        for name in Fixtures.names("seeds") {
            let first = try SessionDescription(parsing: try Fixtures.load("seeds", name))
            let text = first.text
            let second = try SessionDescription(parsing: text)
            #expect(first == second, "round trip changed \(name)")
            #expect(text.hasSuffix("\r\n"))
            #expect(!text.contains("\n\n"))
        }
    }

    @Test func allFieldsFixture() throws {
        let sdp = try SessionDescription(parsing: try Fixtures.load("seeds", "all-fields.sdp"))
        #expect(sdp.information == "A session")
        #expect(sdp.emails == ["ops@example.com"])
        #expect(sdp.timings == [.init(startTime: 2873397496, stopTime: 2873404696, repeatLines: ["7d 1h 0 25h"])])
        #expect(sdp.timeZones == "2882844526 -1h 2898848070 0")
        #expect(sdp.effectiveDirection(forMedia: 0) == .recvonly)   // from the session level
        #expect(sdp.media[0].ptimeMs == 20)                          // "20.0"
        #expect(sdp.media[0].bandwidths == [Bandwidth(type: "TIAS", kilobitsPerSecond: 64000)])
        #expect(sdp.media[1].port == 0)
        #expect(sdp.media[1].isRTPAVP == false)
    }

    @Test func serializerWritesCanonicalText() {
        var m = MediaDescription(port: 4000, formats: ["0", "101"])
        m.attributes = [Attribute("rtpmap", "101 telephone-event/8000"), Attribute("sendonly")]
        let sdp = SessionDescription(
            origin: .init(sessionID: "42", sessionVersion: 7, addressType: .ip4, unicastAddress: "127.0.0.1"),
            connection: Connection(addressType: .ip4, address: "127.0.0.1"), media: [m])
        #expect(sdp.text == "v=0\r\no=- 42 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendonly\r\n")
    }

    static let malformedExpectations: [(String, SDPError.Code, Int)] = [
        ("01-missing-version.sdp", .missingVersion, 1),
        ("02-version-1.sdp", .unsupportedVersion, 1),
        ("03-short-origin.sdp", .malformedOrigin, 2),
        ("04-unknown-type.sdp", .unknownType, 6),
        ("05-port-too-big.sdp", .malformedMedia, 6),
        ("06-no-connection.sdp", .missingConnection, 5),
        ("07-non-numeric-pt.sdp", .malformedMedia, 6),
        ("08-bad-rtpmap.sdp", .malformedAttribute, 7),
        ("09-time-in-media.sdp", .outOfOrder, 7),
        ("10-short-connection.sdp", .malformedConnection, 4),
        ("11-bad-timing.sdp", .malformedTiming, 5),
        ("12-short-media.sdp", .malformedMedia, 6),
        ("13-bad-ptime.sdp", .malformedAttribute, 7),
        ("14-bad-bandwidth.sdp", .malformedBandwidth, 5),
        ("15-duplicate-version.sdp", .duplicateLine, 4),
        ("16-ipv6-as-ip4.sdp", .malformedConnection, 4),
        ("17-no-equals.sdp", .malformedLine, 4),
        ("18-empty-attribute.sdp", .malformedAttribute, 6),
    ]

    @Test(arguments: malformedExpectations)
    func malformedFixture(_ name: String, _ code: SDPError.Code, _ line: Int) throws {
        let bytes = try Fixtures.load("malformed", name)
        #expect(throws: SDPError.self) { try SessionDescription(parsing: bytes) }
        do {
            _ = try SessionDescription(parsing: bytes)
        } catch {
            #expect(error.code == code, "\(name): \(error)")
            #expect(error.line == line, "\(name): \(error)")
        }
    }

    @Test func everyMalformedFixtureHasAnExpectation() {
        #expect(Set(Fixtures.names("malformed")) == Set(Self.malformedExpectations.map(\.0)))
    }

    @Test func limits() {
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: SessionDescription.Limits.maxBytes + 1)
        #expect(throws: SDPError(.tooLarge, line: 0, "\(huge.count) bytes")) { try SessionDescription(parsing: huge) }
        var many = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        for _ in 0..<40 { many += "m=audio 0 RTP/AVP 0\r\n" }
        #expect(throws: SDPError.self) { try SessionDescription(parsing: many) }
        #expect(throws: SDPError.self) { try SessionDescription(parsing: [0x76, 0x3D, 0x30, 0x0A, 0xFF, 0xFE]) }
        #expect(throws: SDPError.self) { try SessionDescription(parsing: "") }
    }

    @Test func toleratesMissingTimingAndEmptySessionName() throws {
        let sdp = try SessionDescription(parsing: "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=\nc=IN IP4 127.0.0.1\nm=audio 4000 RTP/AVP 0\n")
        #expect(sdp.timings == [.init()])
        #expect(sdp.sessionName == "")
    }

    @Test func directionRules() {
        #expect(MediaDirection.sendonly.answer == .recvonly)
        #expect(MediaDirection.recvonly.answer == .sendonly)
        #expect(MediaDirection.inactive.answer == .inactive)
        #expect(MediaDirection.sendrecv.answer == .sendrecv)
        #expect(MediaDirection.sendrecv.intersection(.sendonly) == .sendonly)
        #expect(MediaDirection.recvonly.intersection(.sendonly) == .inactive)
    }
}
