import ParleyRTP
import ParleyRealtime

extension MediaChannel {
    /// SR (when we have sent) or RR, then SDES CNAME, to the peer's RTP port + 1.
    /// Every `rtcpIntervalMs`, and with `goodbye` once more as the channel closes, a BYE
    /// for our SSRC ending the compound packet (RFC 3550 §6.6; §6.1: BYE last, after the
    /// report). Writes into the thread's packet buffer, no allocation (the SR's
    /// one-element report-block array is preallocated and changed in place).
    func sendRTCP(_ scratch: MediaThreadScratch, goodbye: Bool = false) {
        guard var target = destination else { return }
        target.port = target.port &+ 1
        let block: RTCPReportBlock? = reception.isValid ? reception.makeReportBlock() : nil
        withMutableSpan(&scratch.packet) { out in
            var end: Int?
            if counters.packetsSent > 0 {
                let wallNs = scratch.nowNs &+ ntpOffsetNs
                let seconds = wallNs / 1_000_000_000
                let fraction = (wallNs % 1_000_000_000) << 32 / 1_000_000_000
                senderReport.ntpTimestamp = (seconds &+ 2_208_988_800) << 32 | fraction
                senderReport.rtpTimestamp = currentTimestamp
                senderReport.packetCount = UInt32(truncatingIfNeeded: counters.packetsSent)
                senderReport.octetCount = UInt32(truncatingIfNeeded: counters.octetsSent)
                if let block {
                    senderReport.reportBlocks[0] = block
                    end = RTCPWriter.writeSenderReport(senderReport, into: &out, at: 0)
                } else {
                    // Nothing received yet: an SR without report blocks (RFC 3550 §6.4.1), not an RR.
                    var bare = senderReport
                    bare.reportBlocks = []
                    end = RTCPWriter.writeSenderReport(bare, into: &out, at: 0)
                }
            } else {
                end = RTCPWriter.writeReceiverReport(ssrc: ssrc, block: block, into: &out, at: 0)
            }
            guard let reportEnd = end,
                  var size = RTCPWriter.writeSourceDescription(ssrc: ssrc, cname: cnameBytes, into: &out, at: reportEnd)
            else { return }
            if goodbye {
                guard let byeEnd = RTCPWriter.writeGoodbye(ssrc: ssrc, reason: nil, into: &out, at: size) else { return }
                size = byeEnd
            }
            if case .sent = rtcpSocket.send(out.span.extracting(0..<size), to: target) {
                counters.rtcpSent &+= 1
            } else {
                counters.sendErrors &+= 1
            }
        }
    }
}
