/// Writes RTCP packets into a caller's buffer, one after another to form a compound
/// packet (RFC 3550 §6.1: SR or RR first, then SDES with CNAME, BYE last).
/// Each call returns the new end offset, or nil when the packet does not fit.
public enum RTCPWriter {
    /// SR with up to 31 report blocks.
    public static func writeSenderReport(_ sr: RTCPSenderReport, into out: inout MutableSpan<UInt8>, at o: Int) -> Int? {
        let blocks = min(sr.reportBlocks.count, 31)
        let length = 28 + blocks * RTCPReportBlock.size
        guard o >= 0, o + length <= out.count else { return nil }
        writeHeader(into: &out, at: o, count: blocks, type: RTCPPacket.senderReportType, length: length)
        out.writeUInt32(sr.ssrc, at: o + 4)
        out.writeUInt32(UInt32(truncatingIfNeeded: sr.ntpTimestamp >> 32), at: o + 8)
        out.writeUInt32(UInt32(truncatingIfNeeded: sr.ntpTimestamp), at: o + 12)
        out.writeUInt32(sr.rtpTimestamp, at: o + 16)
        out.writeUInt32(sr.packetCount, at: o + 20)
        out.writeUInt32(sr.octetCount, at: o + 24)
        for i in 0..<blocks { sr.reportBlocks[i].write(into: &out, at: o + 28 + i * RTCPReportBlock.size) }
        return o + length
    }

    /// RR with zero or one report block (no array needed on the send path).
    public static func writeReceiverReport(ssrc: UInt32, block: RTCPReportBlock?, into out: inout MutableSpan<UInt8>,
                                           at o: Int) -> Int? {
        let length = 8 + (block == nil ? 0 : RTCPReportBlock.size)
        guard o >= 0, o + length <= out.count else { return nil }
        writeHeader(into: &out, at: o, count: block == nil ? 0 : 1, type: RTCPPacket.receiverReportType, length: length)
        out.writeUInt32(ssrc, at: o + 4)
        block?.write(into: &out, at: o + 8)
        return o + length
    }

    /// SDES with one chunk carrying CNAME (at most 255 bytes of UTF-8).
    public static func writeSourceDescription(ssrc: UInt32, cname: String, into out: inout MutableSpan<UInt8>,
                                              at o: Int) -> Int? {
        let textLength = min(cname.utf8.count, 255)
        // header 4 + ssrc 4 + type 1 + len 1 + text + end 1, padded to 4.
        let length = (4 + 4 + 2 + textLength + 1 + 3) & ~3
        guard o >= 0, o + length <= out.count else { return nil }
        writeHeader(into: &out, at: o, count: 1, type: RTCPPacket.sourceDescriptionType, length: length)
        out.writeUInt32(ssrc, at: o + 4)
        out[o + 8] = 1
        out[o + 9] = UInt8(textLength)
        var i = o + 10
        for byte in cname.utf8.prefix(textLength) { out[i] = byte; i += 1 }
        while i < o + length { out[i] = 0; i += 1 }
        return o + length
    }

    /// BYE for one SSRC with an optional reason (at most 255 bytes).
    public static func writeGoodbye(ssrc: UInt32, reason: String?, into out: inout MutableSpan<UInt8>, at o: Int) -> Int? {
        let reasonLength = reason.map { min($0.utf8.count, 255) }
        let length = reasonLength.map { (8 + 1 + $0 + 3) & ~3 } ?? 8
        guard o >= 0, o + length <= out.count else { return nil }
        writeHeader(into: &out, at: o, count: 1, type: RTCPPacket.goodbyeType, length: length)
        out.writeUInt32(ssrc, at: o + 4)
        if let reason, let reasonLength {
            out[o + 8] = UInt8(reasonLength)
            var i = o + 9
            for byte in reason.utf8.prefix(reasonLength) { out[i] = byte; i += 1 }
            while i < o + length { out[i] = 0; i += 1 }
        }
        return o + length
    }

    static func writeHeader(into out: inout MutableSpan<UInt8>, at o: Int, count: Int, type: UInt8, length: Int) {
        out[o] = 0x80 | UInt8(count & 0x1F)
        out[o + 1] = type
        out.writeUInt16(UInt16(length / 4 - 1), at: o + 2)
    }
}
