/// `parley bench <suite> [--json]` — benchmark suites. Each suite lives in its own
/// `Bench<Suite>.swift` file and prints one JSON object with `--json`, a short table
/// otherwise. Speed and memory targets live here, never in timed unit tests.
enum BenchCommand {
    struct Suite: Sendable {
        let name: String
        let summary: String
        let run: @Sendable ([String]) -> Int32
    }

    static let suites: [Suite] = [
        Suite(name: "core", summary: "ring, codecs, resampler, per-frame allocations", run: BenchCore.run),
        Suite(name: "sip", summary: "SIP parse + serialize per message", run: BenchSIP.run),
        Suite(name: "media", summary: "RTP receive/jitter/decode and encode/send per packet", run: BenchMedia.run),
        Suite(name: "pacing", summary: "media engine RTP pacing at the receiver, loss, CPU/memory per call", run: BenchPacing.run),
        Suite(name: "audio", summary: "listening pipeline CPU per call, allocations per frame", run: BenchAudio.run),
        Suite(name: "echo", summary: "echo-delay relocation search CPU and multiply-adds per search", run: BenchEcho.run),
        Suite(name: "sim", summary: "simulator prompt recognition CPU per call-second, pruned vs exhaustive search", run: BenchSim.run),
        Suite(name: "speech", summary: "recognizer real-time factor, pool throughput, latency", run: BenchSpeech.run),
        Suite(name: "dialogue", summary: "load + lint time for large scripts", run: BenchDialogue.run),
        Suite(name: "store", summary: "call record write rate, outbox throughput", run: BenchStore.run),
    ]

    static func run(_ arguments: [String]) -> Int32 {
        guard let name = arguments.first, let suite = suites.first(where: { $0.name == name }) else {
            var usage = "usage: parley bench <suite> [--json]\n\nsuites:\n"
            for s in suites { usage += "  \(s.name.padding(toLength: 10, withPad: " ", startingAt: 0))\(s.summary)\n" }
            FileHandleOutput.error(usage)
            return 2
        }
        return suite.run(Array(arguments.dropFirst()))
    }
}
