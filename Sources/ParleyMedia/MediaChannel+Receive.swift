import ParleyRTP
import ParleyRealtime

extension MediaChannel {
    /// Drains the RTP socket (batched, nonblocking): latch, statistics, RFC 4733 events,
    /// audio into the jitter buffer. Per tick; no allocation (a source address's
    /// transport form is recomputed only when the source changes).
    func receiveRTP(_ scratch: MediaThreadScratch) {
        let batch = scratch.batch
        while true {
            guard case .transferred(let n) = rtpSocket.receive(batch) else { return }
            for i in 0..<n { receiveDatagram(batch, at: i, nowNs: scratch.nowNs) }
            if n < batch.capacity { return }
        }
    }

    private func receiveDatagram(_ batch: DatagramBatch, at index: Int, nowNs: UInt64) {
        counters.datagramsReceived &+= 1
        let source = batch.address(at: index)
        batch.withPayload(at: index) { packet in
            guard let header = try? RTPHeader(parsing: packet) else {
                counters.packetsIgnored &+= 1
                return
            }
            if cachedSource != source {
                cachedSource = source
                cachedTransport = Self.transport(source)
            }
            switch latch.receive(from: cachedTransport, ssrc: header.ssrc, payloadType: header.payloadType) {
            case .latched:
                destination = source
                reception = RTPReceptionStatistics(ssrc: header.ssrc, firstSequence: header.sequenceNumber)
                emit(.latched(ssrc: header.ssrc))
            case .ssrcChanged(_, let new):
                reception = RTPReceptionStatistics(ssrc: new, firstSequence: header.sequenceNumber)
                jitter.reset()
            case .accept:
                break
            case .ignore:
                counters.packetsIgnored &+= 1
                return
            }
            lastRTPNs = nowNs
            let arrival = arrivalTimestamp(nowNs: nowNs)
            reception.update(sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, arrival: arrival,
                             payloadBytes: header.payloadLength)
            let payload = packet.extracting(header.payloadOffset..<(header.payloadOffset + header.payloadLength))
            if let te = configuration.telephoneEventPayloadType, header.payloadType == te {
                counters.telephoneEventPackets &+= 1
                guard let event = try? TelephoneEvent(parsing: payload) else { return }
                let report = eventReceiver.receive(event, timestamp: header.timestamp, atMs: nowMs)
                if let began = report.began { emit(.dtmf(event: began.event, source: .rtpEvent, atMs: nowMs)) }
            } else if header.payloadType == configuration.payloadType {
                _ = jitter.put(header: header, payload: payload, arrival: arrival)
            } else {
                counters.packetsIgnored &+= 1
            }
        }
    }

    /// The local media clock in the stream's RTP units (for jitter estimates).
    @inline(__always)
    func arrivalTimestamp(nowNs: UInt64) -> UInt32 {
        let elapsed = nowNs &- startNs
        return UInt32(truncatingIfNeeded: elapsed &* UInt64(configuration.codec.rtpClockRateHz) / 1_000_000_000)
    }

    /// Reads whatever RTCP arrived (counted; compound parsing allocates, so it is not
    /// parsed on the media thread).
    func drainRTCP(_ scratch: MediaThreadScratch) {
        let batch = scratch.batch
        while true {
            guard case .transferred(let n) = rtcpSocket.receive(batch) else { return }
            counters.rtcpReceived &+= UInt64(n)
            if n < batch.capacity { return }
        }
    }

    /// Media timeout and RFC 4733 end-of-event by silence.
    func checkTimers(nowNs: UInt64) {
        _ = eventReceiver.expire(nowMs: nowMs)
        let timeoutMs = configuration.mediaTimeoutMs
        if timeoutMs > 0, !timedOut, nowNs &- lastRTPNs > UInt64(timeoutMs) * 1_000_000 {
            timedOut = true
            emit(.mediaTimeout(silentMs: Int64((nowNs &- lastRTPNs) / 1_000_000)))
        }
        if timedOut && lastRTPNs > nowNs &- UInt64(max(timeoutMs, 1)) * 1_000_000 { timedOut = false }
    }
}
