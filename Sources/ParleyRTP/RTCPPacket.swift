/// RTCP packets Parley sends and reads (RFC 3550 §6.4–6.6). Parsing a compound packet
/// allocates (report block arrays, CNAME text): RTCP arrives every few seconds and is
/// handled off the per-frame path.
public enum RTCPPacket: Equatable, Sendable {
    case senderReport(RTCPSenderReport)
    case receiverReport(RTCPReceiverReport)
    case sourceDescription([RTCPSourceDescriptionChunk])
    case goodbye(RTCPGoodbye)
    /// Any other packet type (APP, XR, feedback), skipped by length.
    case other(packetType: UInt8)

    public static let senderReportType: UInt8 = 200
    public static let receiverReportType: UInt8 = 201
    public static let sourceDescriptionType: UInt8 = 202
    public static let goodbyeType: UInt8 = 203

    /// Parses every packet of a compound RTCP datagram, checking version and lengths
    /// (RFC 3550 A.2); padding only on the last packet.
    public static func parseCompound(_ d: Span<UInt8>) throws(RTPParseError) -> [RTCPPacket] {
        guard d.count >= 4 else { throw RTPParseError(.tooShort, offset: d.count) }
        var packets: [RTCPPacket] = []
        var o = 0
        while o < d.count {
            guard o + 4 <= d.count else { throw RTPParseError(.tooShort, offset: o) }
            guard d[o] >> 6 == 2 else { throw RTPParseError(.badVersion, offset: o) }
            let count = Int(d[o] & 0x1F)
            let type = d[o + 1]
            let length = 4 * (Int(d.readUInt16(at: o + 2)) + 1)
            guard o + length <= d.count else { throw RTPParseError(.badLength, offset: o) }
            var end = o + length
            if d[o] & 0x20 != 0 {
                guard end == d.count else { throw RTPParseError(.badPadding, offset: o) }
                let pad = Int(d[end - 1])
                guard pad > 0, pad <= length - 4 else { throw RTPParseError(.badPadding, offset: end - 1) }
                end -= pad
            }
            packets.append(try parseOne(d, type: type, count: count, body: o + 4, end: end))
            o += length
        }
        return packets
    }

    static func parseOne(_ d: Span<UInt8>, type: UInt8, count: Int, body: Int, end: Int) throws(RTPParseError) -> RTCPPacket {
        switch type {
        case senderReportType:
            guard body + 24 + count * RTCPReportBlock.size <= end else { throw RTPParseError(.badLength, offset: body) }
            var sr = RTCPSenderReport(ssrc: d.readUInt32(at: body),
                                      ntpTimestamp: UInt64(d.readUInt32(at: body + 4)) << 32 | UInt64(d.readUInt32(at: body + 8)),
                                      rtpTimestamp: d.readUInt32(at: body + 12), packetCount: d.readUInt32(at: body + 16),
                                      octetCount: d.readUInt32(at: body + 20))
            for i in 0..<count { sr.reportBlocks.append(RTCPReportBlock(parsing: d, at: body + 24 + i * RTCPReportBlock.size)) }
            return .senderReport(sr)
        case receiverReportType:
            guard body + 4 + count * RTCPReportBlock.size <= end else { throw RTPParseError(.badLength, offset: body) }
            var rr = RTCPReceiverReport(ssrc: d.readUInt32(at: body))
            for i in 0..<count { rr.reportBlocks.append(RTCPReportBlock(parsing: d, at: body + 4 + i * RTCPReportBlock.size)) }
            return .receiverReport(rr)
        case sourceDescriptionType:
            var chunks: [RTCPSourceDescriptionChunk] = []
            var o = body
            for _ in 0..<count {
                guard o + 4 <= end else { throw RTPParseError(.badLength, offset: o) }
                var chunk = RTCPSourceDescriptionChunk(ssrc: d.readUInt32(at: o), cname: nil)
                o += 4
                while true {
                    guard o < end else { throw RTPParseError(.badLength, offset: o) }
                    let itemType = d[o]
                    if itemType == 0 { o += 1; break }
                    guard o + 2 <= end, o + 2 + Int(d[o + 1]) <= end else { throw RTPParseError(.badLength, offset: o) }
                    let len = Int(d[o + 1])
                    if itemType == 1 { chunk.cname = decodeText(d, from: o + 2, count: len) }
                    o += 2 + len
                }
                o = (o + 3) & ~3   // chunks end on a 32-bit boundary
                chunks.append(chunk)
            }
            return .sourceDescription(chunks)
        case goodbyeType:
            guard body + 4 * count <= end else { throw RTPParseError(.badLength, offset: body) }
            var bye = RTCPGoodbye(ssrcs: [])
            for i in 0..<count { bye.ssrcs.append(d.readUInt32(at: body + 4 * i)) }
            let r = body + 4 * count
            if r < end {
                let len = Int(d[r])
                guard r + 1 + len <= end else { throw RTPParseError(.badLength, offset: r) }
                bye.reason = decodeText(d, from: r + 1, count: len)
            }
            return .goodbye(bye)
        default:
            return .other(packetType: type)
        }
    }

    static func decodeText(_ d: Span<UInt8>, from o: Int, count: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for i in 0..<count { bytes.append(d[o + i]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// SR (RFC 3550 §6.4.1).
public struct RTCPSenderReport: Equatable, Sendable {
    public var ssrc: UInt32
    /// 64-bit NTP timestamp (seconds since 1900 in the high 32 bits).
    public var ntpTimestamp: UInt64
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    public var reportBlocks: [RTCPReportBlock] = []

    public init(ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
                reportBlocks: [RTCPReportBlock] = []) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reportBlocks = reportBlocks
    }

    /// The middle 32 bits of the NTP timestamp: the LSR a receiver echoes back.
    public var compactNTP: UInt32 { UInt32(truncatingIfNeeded: ntpTimestamp >> 16) }
}

/// RR (RFC 3550 §6.4.2).
public struct RTCPReceiverReport: Equatable, Sendable {
    public var ssrc: UInt32
    public var reportBlocks: [RTCPReportBlock] = []

    public init(ssrc: UInt32, reportBlocks: [RTCPReportBlock] = []) {
        self.ssrc = ssrc
        self.reportBlocks = reportBlocks
    }
}

/// One SDES chunk; Parley reads and writes CNAME only (other items are skipped).
public struct RTCPSourceDescriptionChunk: Equatable, Sendable {
    public var ssrc: UInt32
    public var cname: String?

    public init(ssrc: UInt32, cname: String?) {
        self.ssrc = ssrc
        self.cname = cname
    }
}

/// BYE (RFC 3550 §6.6).
public struct RTCPGoodbye: Equatable, Sendable {
    public var ssrcs: [UInt32]
    public var reason: String?

    public init(ssrcs: [UInt32], reason: String? = nil) {
        self.ssrcs = ssrcs
        self.reason = reason
    }
}
