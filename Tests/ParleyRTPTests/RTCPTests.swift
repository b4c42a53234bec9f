import Testing
@testable import ParleyRTP

@Suite struct RTCPTests {
    @Test func compoundSenderReportRoundTrip() throws {
        let block = RTCPReportBlock(ssrc: 0x11223344, fractionLost: 12, cumulativeLost: -3, extendedHighestSequence: 70000,
                                    jitter: 37, lastSR: 0xAABBCCDD, delaySinceLastSR: 65536)
        let sr = RTCPSenderReport(ssrc: 7, ntpTimestamp: 0x0102030405060708, rtpTimestamp: 160_000, packetCount: 1000,
                                  octetCount: 160_000, reportBlocks: [block])
        var out = [UInt8](repeating: 0, count: 256)
        var ms = out.mutableSpan
        var o = try #require(RTCPWriter.writeSenderReport(sr, into: &ms, at: 0))
        #expect(o == 52)
        o = try #require(RTCPWriter.writeSourceDescription(ssrc: 7, cname: "parley@host", into: &ms, at: o))
        o = try #require(RTCPWriter.writeGoodbye(ssrc: 7, reason: "call ended", into: &ms, at: o))
        #expect(o % 4 == 0)
        let packets = try RTCPPacket.parseCompound(Array(out[0..<o]).span)
        #expect(packets == [
            .senderReport(sr),
            .sourceDescription([RTCPSourceDescriptionChunk(ssrc: 7, cname: "parley@host")]),
            .goodbye(RTCPGoodbye(ssrcs: [7], reason: "call ended")),
        ])
        #expect(sr.compactNTP == 0x03040506)
    }

    @Test func receiverReportGoldenBytes() throws {
        // RR from SSRC 0x01020304 with one block about 0x0A0B0C0D: 25% lost, 2 lost in all.
        let golden: [UInt8] = [
            0x81, 0xC9, 0x00, 0x07, 0x01, 0x02, 0x03, 0x04,
            0x0A, 0x0B, 0x0C, 0x0D, 0x40, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x05,
            0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]
        let block = RTCPReportBlock(ssrc: 0x0A0B0C0D, fractionLost: 64, cumulativeLost: 2, extendedHighestSequence: 65541,
                                    jitter: 32, lastSR: 0, delaySinceLastSR: 0)
        var out = [UInt8](repeating: 0, count: 32)
        var ms = out.mutableSpan
        #expect(RTCPWriter.writeReceiverReport(ssrc: 0x01020304, block: block, into: &ms, at: 0) == 32)
        #expect(out == golden)
        #expect(try RTCPPacket.parseCompound(golden.span) == [.receiverReport(RTCPReceiverReport(ssrc: 0x01020304, reportBlocks: [block]))])
    }

    @Test func skipsUnknownPacketTypesAndOtherSDESItems() throws {
        let bytes: [UInt8] = [
            0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 9,                    // RR, no blocks
            0x81, 0xCA, 0x00, 0x04, 0, 0, 0, 9, 0x02, 0x01, 0x41, // SDES: NAME "A"
            0x01, 0x03, 0x61, 0x62, 0x63, 0x00, 0x00, 0x00, 0x00,  // CNAME "abc", end, pad
            0x80, 0xCC, 0x00, 0x00,                                // APP (empty)
        ]
        let packets = try RTCPPacket.parseCompound(bytes.span)
        #expect(packets == [.receiverReport(.init(ssrc: 9)),
                            .sourceDescription([.init(ssrc: 9, cname: "abc")]), .other(packetType: 204)])
    }

    static let malformed: [([UInt8], RTPParseError.Code)] = [
        ([0x80, 0xC9], .tooShort),
        ([0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .badVersion),
        ([0x80, 0xC9, 0x00, 0x05, 0, 0, 0, 1], .badLength),
        ([0x81, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .badLength),            // claims a block it lacks
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .badPadding),
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 9], .badPadding),
        ([0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 9, 0x01, 0x09, 0x41, 0x42], .badLength),   // item overruns
        ([0x81, 0xCB, 0x00, 0x00], .badLength),                         // BYE without its SSRC
        ([0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0x80], .tooShort),
    ]

    @Test(arguments: malformed)
    func rejectsMalformed(_ bytes: [UInt8], _ code: RTPParseError.Code) {
        #expect(throws: RTPParseError.self) { try RTCPPacket.parseCompound(bytes.span) }
        do { _ = try RTCPPacket.parseCompound(bytes.span) } catch { #expect(error.code == code) }
    }

    @Test func writersRefuseSmallBuffers() {
        var out = [UInt8](repeating: 0, count: 16)
        var ms = out.mutableSpan
        #expect(RTCPWriter.writeSenderReport(.init(ssrc: 1, ntpTimestamp: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0),
                                             into: &ms, at: 0) == nil)
        #expect(RTCPWriter.writeGoodbye(ssrc: 1, reason: nil, into: &ms, at: 12) == nil)
        #expect(RTCPWriter.writeGoodbye(ssrc: 1, reason: nil, into: &ms, at: 8) == 16)
    }
}
