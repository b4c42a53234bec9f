import Foundation
import ParleySIP

/// `parley bench sip [--json] [--iterations N]` — SIP parse + serialize time per message
/// for a typical INVITE (with SDP) and its 200 OK, plus parse-only and serialize-only
/// figures. Reports the median of 5 rounds.
enum BenchSIP {
    static let invite = """
    INVITE sip:+15550100@trunk.example.com SIP/2.0\r
    Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-524287-1---8f2c1e9a7d;rport\r
    Max-Forwards: 70\r
    Contact: <sip:parley@10.0.0.5:5060>\r
    To: <sip:+15550100@trunk.example.com>\r
    From: "Parley" <sip:+15550199@trunk.example.com>;tag=7d3e1f2a\r
    Call-ID: 8f2c1e9a7d3b4c5e@10.0.0.5\r
    CSeq: 1 INVITE\r
    Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, REFER, NOTIFY\r
    Supported: timer, replaces\r
    Session-Expires: 1800;refresher=uac\r
    User-Agent: Parley\r
    Content-Type: application/sdp\r
    Content-Length: 254\r
    \r
    v=0\r
    o=- 3912345678 3912345678 IN IP4 10.0.0.5\r
    s=Parley\r
    c=IN IP4 10.0.0.5\r
    t=0 0\r
    m=audio 40000 RTP/AVP 0 8 111 101\r
    a=rtpmap:0 PCMU/8000\r
    a=rtpmap:8 PCMA/8000\r
    a=rtpmap:111 opus/48000/2\r
    a=rtpmap:101 telephone-event/8000\r
    a=fmtp:101 0-16\r
    a=ptime:20\r

    """

    static let ok = """
    SIP/2.0 200 OK\r
    Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-524287-1---8f2c1e9a7d;rport=5060;received=10.0.0.5\r
    Record-Route: <sip:10.0.0.1;lr>\r
    Contact: <sip:+15550100@10.0.0.9:5060>\r
    To: <sip:+15550100@trunk.example.com>;tag=as58f4201b\r
    From: "Parley" <sip:+15550199@trunk.example.com>;tag=7d3e1f2a\r
    Call-ID: 8f2c1e9a7d3b4c5e@10.0.0.5\r
    CSeq: 1 INVITE\r
    Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r
    Supported: replaces, timer\r
    Session-Expires: 1800;refresher=uac\r
    Require: timer\r
    Content-Type: application/sdp\r
    Content-Length: 147\r
    \r
    v=0\r
    o=- 1 1 IN IP4 10.0.0.9\r
    s=-\r
    c=IN IP4 10.0.0.9\r
    t=0 0\r
    m=audio 30000 RTP/AVP 0 101\r
    a=rtpmap:0 PCMU/8000\r
    a=rtpmap:101 telephone-event/8000\r

    """

    struct Figure {
        let name: String
        let bytes: Int
        let parseNs: Double
        let serializeNs: Double
        let parseSerializeNs: Double
    }

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        var iterations = 20_000
        if let i = arguments.firstIndex(of: "--iterations"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 {
            iterations = n
        }
        var figures: [Figure] = []
        var sink = 0  // keeps results alive so the optimizer cannot drop the work
        for (name, text) in [("invite", invite), ("ok200", ok)] {
            let bytes = Array(text.utf8)
            let parser = SIPParser()
            guard let message = parser.parse(bytes).message else {
                FileHandleOutput.error("parley bench sip: the \(name) sample does not parse")
                return 1
            }
            let parse = median { measure(iterations, &sink) { parser.parse(bytes).message?.headers.count ?? 0 } }
            let serialize = median { measure(iterations, &sink) { message.serialized().count } }
            let both = median { measure(iterations, &sink) { parser.parse(bytes).message?.serialized().count ?? 0 } }
            figures.append(Figure(name: name, bytes: bytes.count, parseNs: parse, serializeNs: serialize, parseSerializeNs: both))
        }
        if json {
            let items = figures.map {
                "{\"message\":\"\($0.name)\",\"bytes\":\($0.bytes),\"parse_ns\":\(Int($0.parseNs)),\"serialize_ns\":\(Int($0.serializeNs)),\"parse_serialize_ns\":\(Int($0.parseSerializeNs))}"
            }
            print("{\"suite\":\"sip\",\"iterations\":\(iterations),\"rounds\":5,\"statistic\":\"median\",\"results\":[\(items.joined(separator: ","))]}")
        } else {
            print("message   bytes   parse ns   serialize ns   parse+serialize ns")
            for f in figures {
                print(pad(f.name, 8) + pad(String(f.bytes), 8) + pad(String(Int(f.parseNs)), 11)
                      + pad(String(Int(f.serializeNs)), 15) + String(Int(f.parseSerializeNs)))
            }
        }
        return sink == Int.min ? 1 : 0
    }

    static func measure(_ iterations: Int, _ sink: inout Int, _ body: () -> Int) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<iterations { sink &+= body() }
        let elapsed = clock.now - start
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return ns / Double(iterations)
    }

    static func median(_ round: () -> Double) -> Double {
        let values = (0..<5).map { _ in round() }.sorted()
        return values[2]
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
