import Testing
@testable import ParleyRTP

@Suite struct RTPHeaderTests {
    /// A G.711 packet as SIPp sends it: V=2, PT 0, seq 0x1234, ts 0xDEADBEEF, SSRC 0x01020304.
    static let golden: [UInt8] = [0x80, 0x00, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0xFF, 0x7F, 0x00]

    /// Marker, PT 101, 2 CSRCs, a one-word extension (profile 0xBEDE) and 3 bytes of padding.
    static let full: [UInt8] = [
        0xB2, 0xE5, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x10, 0xCA, 0xFE, 0xBA, 0xBE,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
        0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x00, 0x00,
        0x05, 0x80, 0x00, 0xA0,
        0x00, 0x00, 0x03,
    ]

    @Test func parsesGolden() throws {
        let h = try RTPHeader(parsing: Self.golden.span)
        #expect(h.marker == false)
        #expect(h.payloadType == 0)
        #expect(h.sequenceNumber == 0x1234)
        #expect(h.timestamp == 0xDEADBEEF)
        #expect(h.ssrc == 0x01020304)
        #expect(h.payloadOffset == 12)
        #expect(h.payloadLength == 3)
        #expect(h.csrcCount == 0)
        #expect(h.extensionProfile == nil)
    }

    @Test func parsesCSRCExtensionAndPadding() throws {
        let h = try RTPHeader(parsing: Self.full.span)
        #expect(h.marker)
        #expect(h.payloadType == 101)
        #expect(h.sequenceNumber == 0xFFFF)
        #expect(h.csrcCount == 2)
        #expect(h.csrc(at: 0, in: Self.full.span) == 1)
        #expect(h.csrc(at: 1, in: Self.full.span) == 2)
        #expect(h.csrc(at: 2, in: Self.full.span) == nil)
        #expect(h.extensionProfile == 0xBEDE)
        #expect(h.extensionOffset == 24)
        #expect(h.extensionLength == 4)
        #expect(h.payloadOffset == 28)
        #expect(h.payloadLength == 4)
        #expect(h.paddingLength == 3)
        let event = try TelephoneEvent(parsing: Self.full.span.extracting(h.payloadOffset..<(h.payloadOffset + h.payloadLength)))
        #expect(event == TelephoneEvent(event: 5, end: true, volume: 0, duration: 160))
    }

    static let malformed: [([UInt8], RTPParseError.Code)] = [
        ([], .tooShort),
        ([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], .tooShort),
        ([0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], .badVersion),
        ([0x00, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], .badVersion),
        ([0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], .csrcOverrun),
        ([0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE], .extensionOverrun),
        ([0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0x00, 0x02, 1, 2, 3, 4], .extensionOverrun),
        ([0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], .badPadding),
        ([0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9], .badPadding),
    ]

    @Test(arguments: malformed)
    func rejectsMalformed(_ bytes: [UInt8], _ code: RTPParseError.Code) {
        #expect(throws: RTPParseError.self) { try RTPHeader(parsing: bytes.span) }
        do { _ = try RTPHeader(parsing: bytes.span) } catch { #expect(error.code == code) }
    }

    @Test func buildsWhatItParses() throws {
        var out = [UInt8](repeating: 0xEE, count: 64)
        let payload: [UInt8] = [1, 2, 3, 4, 5]
        let h = RTPHeader(marker: true, payloadType: 8, sequenceNumber: 65535, timestamp: 4_294_967_295, ssrc: 42)
        var ms = out.mutableSpan
        let n = h.writePacket(into: &ms, payload: payload.span, padTo: 4)
        #expect(n == 20)   // 12 + 5 = 17 → padded to 20
        let bytes = Array(out[0..<n])
        let p = try RTPHeader(parsing: bytes.span)
        #expect(p.marker && p.payloadType == 8 && p.sequenceNumber == 65535 && p.timestamp == 4_294_967_295 && p.ssrc == 42)
        #expect(p.payloadLength == 5)
        #expect(p.paddingLength == 3)
        #expect(Array(bytes[12..<17]) == payload)
    }

    @Test func buildsGoldenBytes() {
        var out = [UInt8](repeating: 0, count: 15)
        var h = RTPHeader(payloadType: 0, sequenceNumber: 0x1234, timestamp: 0xDEADBEEF, ssrc: 0x01020304)
        h.marker = false
        let payload: [UInt8] = [0xFF, 0x7F, 0x00]
        var ms = out.mutableSpan
        #expect(h.writePacket(into: &ms, payload: payload.span) == 15)
        #expect(out == Self.golden)
    }

    @Test func buildsCSRCsAndExtension() throws {
        var out = [UInt8](repeating: 0, count: 64)
        let csrcs: [UInt32] = [1, 2]
        let ext: [UInt8] = [0x10, 0xAA, 0, 0]
        var h = RTPHeader(marker: true, payloadType: 101, sequenceNumber: 0xFFFF, timestamp: 16, ssrc: 0xCAFEBABE)
        h.hasPadding = false
        var ms = out.mutableSpan
        let n = h.write(into: &ms, csrcs: csrcs.span, extensionProfile: 0xBEDE, extensionData: ext.span)
        #expect(n == 28)
        #expect(Array(out[0..<28]) == Array(Self.full[0..<28]).enumerated().map { $0.offset == 0 ? 0x92 : $0.element })
    }

    @Test func refusesSmallBuffers() {
        var out = [UInt8](repeating: 0, count: 11)
        let h = RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 1, ssrc: 1)
        var ms = out.mutableSpan
        #expect(h.write(into: &ms) == 0)
        let payload: [UInt8] = [1]
        #expect(h.writePacket(into: &ms, payload: payload.span) == 0)
    }

    @Test func sequenceArithmeticWraps() {
        #expect(RTPSequence.distance(from: 65535, to: 0) == 1)
        #expect(RTPSequence.distance(from: 0, to: 65535) == -1)
        #expect(RTPSequence.isNewer(2, than: 65530))
        #expect(!RTPSequence.isNewer(65530, than: 2))
        #expect(RTPSequence.timestampDistance(from: 4_294_967_200, to: 64) == 160)
        var e = SequenceExtender()
        var out: [Int64] = []
        for s: UInt16 in [65533, 65535, 65534, 0, 1, 65535, 2] { out.append(e.extend(s)) }
        #expect(out == [65533, 65535, 65534, 65536, 65537, 65535, 65538])
        #expect(e.highest == 65538)
        var t = TimestampExtender()
        #expect(t.extend(4_294_967_136) == 4_294_967_136)
        #expect(t.extend(24) == 4_294_967_296 + 24)
        #expect(t.extend(4_294_967_200) == 4_294_967_200)
    }
}
