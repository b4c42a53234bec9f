import CParleyAllocCounter
import Dispatch
import ParleyRTP
import ParleySDP

/// `parley bench media [--json] [--packets N]` — per-packet CPU of the RTP paths:
/// parse, jitter buffer put + get, the receive path (parse → put → get), build, and
/// RFC 4733 receive; per-operation cost of RTCP and SDP offer/answer. Codec decode and
/// encode join this suite with the codecs module. Allocations are counted on the
/// per-packet loops after warm-up (`frame_path_allocations`, expected 0).
enum BenchMedia {
    struct Result {
        var name: String
        var nanosecondsPerOperation: Double
        var operations: Int
    }

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        var packets = 200_000
        if let i = arguments.firstIndex(of: "--packets"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 {
            packets = n
        }
        var results: [Result] = []
        var frameAllocations: UInt64 = 0

        // A G.711 stream: 20 ms packets, 160-byte payloads, prebuilt.
        let payload = [UInt8](repeating: 0xD5, count: 160)
        var wire: [[UInt8]] = []
        let streamLength = 1024
        for i in 0..<streamLength {
            var buffer = [UInt8](repeating: 0, count: 172)
            var out = buffer.mutableSpan
            let h = RTPHeader(payloadType: 0, sequenceNumber: UInt16(i), timestamp: UInt32(i * 160), ssrc: 0x1234)
            _ = h.writePacket(into: &out, payload: payload.span)
            wire.append(buffer)
        }

        // Parse.
        var checksum = 0
        results.append(measure("rtp_parse", packets) { n in
            for i in 0..<n {
                let packet = wire[i & (streamLength - 1)]
                if let h = try? RTPHeader(parsing: packet.span) { checksum &+= Int(h.sequenceNumber) }
            }
        })

        // Build.
        var sendBuffer = [UInt8](repeating: 0, count: 1500)
        results.append(measure("rtp_build", packets) { n in
            let body = payload
            var out = sendBuffer.mutableSpan
            for i in 0..<n {
                let h = RTPHeader(payloadType: 0, sequenceNumber: UInt16(truncatingIfNeeded: i),
                                  timestamp: UInt32(truncatingIfNeeded: i &* 160), ssrc: 0x1234)
                checksum &+= h.writePacket(into: &out, payload: body.span)
            }
        })

        // Jitter buffer put + get in steady state (sequence numbers continue across wrap).
        var jb = JitterBuffer(configuration: .init())
        var frame = [UInt8](repeating: 0, count: 512)
        var sequence: UInt16 = 0
        func putGet(_ n: Int, parse: Bool) {
            let body = payload
            var out = frame.mutableSpan
            for _ in 0..<n {
                let h: RTPHeader
                if parse {
                    let packet = wire[Int(sequence) & (streamLength - 1)]
                    guard let p = try? RTPHeader(parsing: packet.span) else { continue }
                    h = RTPHeader(payloadType: p.payloadType, sequenceNumber: sequence, timestamp: UInt32(sequence) &* 160, ssrc: p.ssrc)
                } else {
                    h = RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: UInt32(sequence) &* 160, ssrc: 0x1234)
                }
                jb.put(header: h, payload: body.span, arrival: UInt32(sequence) &* 160)
                if case .frame(let f) = jb.get(into: &out) { checksum &+= f.payloadBytes }
                sequence &+= 1
            }
        }
        putGet(1000, parse: false)   // warm-up: fill to the target depth
        results.append(measure("jitter_put_get", packets) { putGet($0, parse: false) })
        results.append(measure("receive_parse_put_get", packets) { putGet($0, parse: true) })

        // RFC 4733 receive.
        var receiver = TelephoneEventReceiver()
        results.append(measure("dtmf_receive", packets) { n in
            for i in 0..<n {
                let event = TelephoneEvent(event: UInt8(i / 8 % 12), end: i % 8 >= 5, duration: UInt16(160 * (i % 8 + 1)))
                let r = receiver.receive(event, timestamp: UInt32(i / 8) &* 8000, atMs: Int64(i) * 20)
                if r.ended != nil { checksum &+= 1 }
            }
        })
        // Heap allocations on the receive path (parse → jitter buffer put → get), after the
        // warm-up above, counted by the malloc interposer linked into `parley`.
        parley_alloc_counting_begin()
        putGet(10_000, parse: true)
        frameAllocations = parley_alloc_counting_end()

        // RTCP compound build + parse (every few seconds per call).
        var stats = RTPReceptionStatistics(ssrc: 1, firstSequence: 0)
        for q: UInt16 in 0..<200 { stats.update(sequenceNumber: q, timestamp: UInt32(q) * 160, arrival: UInt32(q) * 160) }
        var rtcp = [UInt8](repeating: 0, count: 256)
        let rtcpOps = max(1, packets / 10)
        results.append(measure("rtcp_build_parse", rtcpOps) { n in
            for _ in 0..<n {
                var out = rtcp.mutableSpan
                var o = RTCPWriter.writeReceiverReport(ssrc: 7, block: stats.makeReportBlock(), into: &out, at: 0) ?? 0
                o = RTCPWriter.writeSourceDescription(ssrc: 7, cname: "parley@bench", into: &out, at: o) ?? 0
                let length = o
                let bytes = rtcp
                if let p = try? RTCPPacket.parseCompound(bytes.span.extracting(0..<length)) { checksum &+= p.count }
            }
        })

        // SDP parse + answer (per call setup).
        let offerText = "v=0\r\no=- 3891049870 3891049871 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 7078 RTP/AVP 96 0 8 101\r\na=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n"
        let offerBytes = Array(offerText.utf8)
        results.append(measure("sdp_parse_answer_serialize", max(1, packets / 20)) { n in
            for _ in 0..<n {
                guard let offer = try? SessionDescription(parsing: offerBytes) else { continue }
                var oa = OfferAnswer(configuration: .init(localAddress: "127.0.0.1", localRTPPort: 20000, sessionID: 1))
                if case .sendAnswer(let a) = oa.handle(.remoteOffer(offer)).first { checksum &+= a.text.utf8.count }
            }
        })

        if json {
            var fields: [String] = ["\"suite\":\"media\"", "\"packets\":\(packets)"]
            for r in results { fields.append("\"\(r.name)_ns\":\(format(r.nanosecondsPerOperation))") }
            fields.append("\"frame_path_allocations\":\(frameAllocations)")
            fields.append("\"checksum\":\(checksum & 0xFFFF)")
            print("{" + fields.joined(separator: ",") + "}")
        } else {
            print("parley bench media — \(packets) packets, G.711 20 ms, 160-byte payloads")
            for r in results {
                print("  " + r.name.padding(toLength: 30, withPad: " ", startingAt: 0)
                      + format(r.nanosecondsPerOperation).padding(toLength: 10, withPad: " ", startingAt: 0) + "ns/op  (\(r.operations) ops)")
            }
            print("  frame_path_allocations        \(frameAllocations)")
        }
        return 0
    }

    static func measure(_ name: String, _ operations: Int, _ body: (Int) -> Void) -> Result {
        body(min(operations, 1000))   // warm-up
        let start = DispatchTime.now().uptimeNanoseconds
        body(operations)
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        return Result(name: name, nanosecondsPerOperation: Double(elapsed) / Double(operations), operations: operations)
    }

    static func format(_ value: Double) -> String {
        let tenths = Int(value * 10 + 0.5)
        return "\(tenths / 10).\(tenths % 10)"
    }
}
