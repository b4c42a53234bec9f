import Foundation

/// Facts about the demo script (examples/demo/member-care.yaml) a test call relies on: which
/// prompt files play, in order, for a caller named Alice offered a 20-dollar coupon.
enum DemoCall {
    static let greeting = ["hello-1.wav", "names/alice.wav", "hello-2.wav"]
    static let offerVariants = [
        "a": ["offer-a-1.wav", "say/twenty.wav", "offer-a-2.wav"],
        "b": ["offer-b-1.wav", "say/twenty.wav", "offer-b-2.wav"],
    ]

    static func greetingMs() throws -> Int { Int(try PromptAudio.durationSeconds(greeting) * 1000) }

    static func longestOfferMs() throws -> Int {
        Int(try offerVariants.values.map { try PromptAudio.durationSeconds($0) }.max()! * 1000)
    }

    /// The offer variant whose audio appears most in `stream`, with its coverage.
    static func bestOfferCoverage(in stream: [UInt8]) throws -> (variant: String, coverage: PromptAudio.Coverage) {
        var best: (String, PromptAudio.Coverage)?
        for (name, files) in offerVariants.sorted(by: { $0.key < $1.key }) {
            let c = PromptAudio.coverage(of: try PromptAudio.prompt(files), in: stream)
            if best == nil || c.foundPackets > best!.1.foundPackets { best = (name, c) }
        }
        return best!
    }

    /// The `answer_port` SIPp logged from parleyd's SDP answer (the port parleyd sends RTP from).
    static func answerPort(_ result: SIPpRun.Result) -> Int? {
        result.values("answer_port").first.flatMap { Int($0) }
    }

    /// Webhook settings pointing the demo's `send_coupon` and a `results` endpoint at `server`.
    static func webhooks(_ server: WebhookServer) -> [String: String] {
        ["send_coupon": server.url("/coupons"), "results": server.url("/results")]
    }
}
