// libFuzzer entry point for RTP header, RTCP compound and RFC 4733 payload parsing,
// with the jitter buffer and statistics fed from whatever parses.
// Safety invariants: libFuzzer passes `data` valid for reading `size` bytes for the
// duration of this call only; the bytes are copied into an Array at once and the
// pointer is never stored or used after the copy. Built by Scripts/fuzz.d/rtp.sh.

nonisolated(unsafe) var jitterBuffer = JitterBuffer(configuration: .init())
nonisolated(unsafe) var statistics = RTPReceptionStatistics(ssrc: 0, firstSequence: 0)
nonisolated(unsafe) var receiver = TelephoneEventReceiver()
nonisolated(unsafe) var tick: UInt32 = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let span = bytes.span
    if let h = try? RTPHeader(parsing: span) {
        precondition(h.payloadOffset >= 12 && h.payloadLength >= 0 && h.payloadOffset + h.payloadLength <= size)
        let payload = span.extracting(h.payloadOffset..<(h.payloadOffset + h.payloadLength))
        tick &+= 160
        jitterBuffer.put(header: h, payload: payload, arrival: tick)
        var out = [UInt8](repeating: 0, count: 512)
        var ms = out.mutableSpan
        _ = jitterBuffer.get(into: &ms)
        statistics.update(sequenceNumber: h.sequenceNumber, timestamp: h.timestamp, arrival: tick, payloadBytes: h.payloadLength)
        if let e = try? TelephoneEvent(parsing: payload) {
            _ = receiver.receive(e, timestamp: h.timestamp, atMs: Int64(tick / 8))
        }
        // Property: rebuilding the fixed header and payload parses back to the same fields.
        let rebuiltCount = 12 + h.payloadLength
        var rebuilt = [UInt8](repeating: 0, count: rebuiltCount)
        var rs = rebuilt.mutableSpan
        precondition(h.writePacket(into: &rs, payload: payload) == rebuiltCount)
        let back = try! RTPHeader(parsing: rebuilt.span)
        precondition(back.sequenceNumber == h.sequenceNumber && back.timestamp == h.timestamp
            && back.ssrc == h.ssrc && back.payloadType == h.payloadType && back.marker == h.marker
            && back.payloadLength == h.payloadLength)
    }
    if let packets = try? RTCPPacket.parseCompound(span) {
        precondition(!packets.isEmpty)
    }
    return 0
}
