import CParleyAllocCounter
import Foundation
import ParleyCodecs
import ParleySim

/// `parley bench sim [--json] [--repeat N] [--script FILE]` — what the simulator's prompt
/// recognition (`PromptRecognizer`, run for every call of a scenario that names a script)
/// costs per call: thread CPU per second of heard audio, per 20 ms packet (p50/p99/max: a
/// packet that completes a search is the loop's longest stall), searches per second and
/// frames compared per search, heap allocations while listening. Two search strategies
/// on the same audio: `pruned` (what runs) and `exhaustive` (every alignment in full, the
/// search as first written: the reference), and whether they report the same events.
/// Input: a call as the caller hears it, built from the script's recordings (default the
/// demo's): hello, offer, one_moment, coupon_sent with 1.5 s caller turns between them,
/// spoken variables from the demo's name and number recordings, through G.711 μ-law,
/// clean and with white noise at 20 dB SNR.
enum BenchSim {
    struct Row {
        let name: String
        var cpuNsPerRun: [Double] = []
        var packetNs: [Double] = []
        var counters = PromptRecognizer.SearchCounters()
        var allocations: UInt64 = 0
        var events: [PromptRecognizer.Event] = []
        var callSeconds = 0.0
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s.isEmpty ? 0 : s[s.count / 2] }
        func quantile(_ q: Double) -> Double {
            let s = packetNs.sorted()
            return s.isEmpty ? 0 : s[min(s.count - 1, Int(Double(s.count) * q))]
        }
        var cpuMsPerCallSecond: Double { median(cpuNsPerRun) / 1e6 / callSeconds }
        var runs: Int { max(1, cpuNsPerRun.count) }
        var searchesPerCallSecond: Double { Double(counters.searches) / Double(runs) / callSeconds }
        var framesPerSearch: Double { Double(counters.framesCompared) / Double(max(1, counters.searches)) }
        var alignmentsPerSearch: Double { Double(counters.alignments) / Double(max(1, counters.searches)) }
    }

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        var repetitions = 3
        if let i = arguments.firstIndex(of: "--repeat"), i + 1 < arguments.count, let v = Int(arguments[i + 1]) {
            repetitions = max(1, v)
        }
        var script = "examples/demo/member-care.yaml"
        if let i = arguments.firstIndex(of: "--script"), i + 1 < arguments.count { script = arguments[i + 1] }
        let catalog: PromptCatalog
        let call: [Int16]
        var recognizers: [(String, PromptRecognizer)] = []
        do {
            catalog = try PromptCatalog.load(scriptPath: script)
            call = try heardCall(catalog)
            for prune in [true, false] {
                var configuration = PromptRecognizer.Configuration()
                configuration.pruneSearch = prune
                recognizers.append((prune ? "pruned" : "exhaustive", try PromptRecognizer(catalog: catalog, configuration: configuration)))
            }
        } catch {
            FileHandleOutput.error("parley bench sim: \(script): \(error)\n")
            return 1
        }
        let clean = call.map { G711.decodeMuLaw(G711.encodeMuLaw($0)) }
        var noisy = call
        var line = LineModel(configuration: LineConfiguration(
            noise: .init(kind: .white, snrDb: 20, speechRmsLevel: LineModel.rms(call)), seed: 7))
        var span = noisy.mutableSpan
        line.transmit(&span)
        noisy = noisy.map { G711.decodeMuLaw(G711.encodeMuLaw($0)) }
        let active = parley_alloc_counter_is_active() != 0
        var rows: [Row] = []
        var agree: [String: Bool] = [:]
        for (input, audio) in [("clean", clean), ("noise_20db", noisy)] {
            for (strategy, template) in recognizers {
                var row = Row(name: "\(input)_\(strategy)")
                row.callSeconds = Double(audio.count) / 8_000
                row.packetNs.reserveCapacity(repetitions * (audio.count / 160 + 1))
                for round in 0...repetitions {   // round 0 warms up (not counted)
                    var recognizer = template
                    var events: [PromptRecognizer.Event] = []
                    events.reserveCapacity(64)
                    if round > 0 { parley_alloc_counting_begin() }
                    let t0 = threadCpuNs()
                    var i = 0
                    while i < audio.count {
                        let n = min(160, audio.count - i)
                        let p0 = threadCpuNs()
                        recognizer.process(audio.span.extracting(i..<(i + n)))
                        while let e = recognizer.nextEvent() { events.append(e) }
                        if round > 0 { row.packetNs.append(Double(threadCpuNs() - p0)) }
                        i += n
                    }
                    let t1 = threadCpuNs()
                    guard round > 0 else { continue }
                    row.allocations += parley_alloc_counting_end()
                    row.cpuNsPerRun.append(Double(t1 - t0))
                    row.counters.searches += recognizer.searchCounters.searches
                    row.counters.alignments += recognizer.searchCounters.alignments
                    row.counters.framesCompared += recognizer.searchCounters.framesCompared
                    row.events = events
                }
                rows.append(row)
            }
            let pair = rows.suffix(2).map(\.events)
            agree[input] = pair.count == 2 && sameEvents(pair[0], pair[1])
        }
        report(rows: rows, agree: agree, active: active, repetitions: repetitions, json: json)
        return 0
    }

    /// The same prompts at the same times; confidences within rounding.
    static func sameEvents(_ a: [PromptRecognizer.Event], _ b: [PromptRecognizer.Event]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.started(var s), .started(var t)):
                guard abs(s.confidence - t.confidence) < 1e-3 else { return false }
                s.confidence = 0; t.confidence = 0
                if s != t { return false }
            case (.ended(let s), .ended(let t)):
                if s != t { return false }
            default:
                return false
            }
        }
        return true
    }

    /// hello, offer, one_moment, coupon_sent (or the script's first four prompts), each
    /// after 1.5 s of the caller's turn (silence on the bot's side), at 8 kHz.
    static func heardCall(_ catalog: PromptCatalog) throws -> [Int16] {
        let loader = PromptLoader(sampleRateHz: 8_000)
        let wanted = ["hello", "offer", "one_moment", "coupon_sent"]
        var names = wanted.filter { catalog.prompt(named: $0) != nil }
        if names.count < wanted.count { names = Array(catalog.prompts.prefix(4).map(\.name)) }
        let dir = catalog.promptDirectory
        var out = [Int16](repeating: 0, count: 2_400)
        for name in names {
            guard let prompt = catalog.prompt(named: name), let variant = prompt.variants.first else { continue }
            for segment in variant.segments {
                switch segment {
                case .file(let path):
                    out += try loader.load(path: path).samples
                case .spoken(let variable):
                    let file = dir + (variable == "name" ? "/names/maria.wav" : "/say/twenty.wav")
                    if FileManager.default.fileExists(atPath: file) {
                        out += try loader.load(path: file).samples
                    } else {
                        out += [Int16](repeating: 0, count: 4_000)
                    }
                }
            }
            out += [Int16](repeating: 0, count: 12_000)
        }
        return out
    }

    static func report(rows: [Row], agree: [String: Bool], active: Bool, repetitions: Int, json: Bool) {
        func allocations(_ r: Row) -> String {
            active ? String(format: "%.1f", Double(r.allocations) / Double(repetitions) / r.callSeconds) : "null"
        }
        if json {
            var parts = rows.map { r in
                "\"\(r.name)\": {\"call_seconds\": \(String(format: "%.1f", r.callSeconds)), "
                    + "\"cpu_ms_per_call_second\": \(String(format: "%.3f", r.cpuMsPerCallSecond)), "
                    + "\"us_per_packet_p50\": \(String(format: "%.1f", r.quantile(0.5) / 1000)), "
                    + "\"us_per_packet_p99\": \(String(format: "%.1f", r.quantile(0.99) / 1000)), "
                    + "\"us_per_packet_max\": \(String(format: "%.1f", (r.packetNs.max() ?? 0) / 1000)), "
                    + "\"searches_per_call_second\": \(String(format: "%.1f", r.searchesPerCallSecond)), "
                    + "\"alignments_per_search\": \(String(format: "%.0f", r.alignmentsPerSearch)), "
                    + "\"frames_compared_per_search\": \(String(format: "%.0f", r.framesPerSearch)), "
                    + "\"allocations_per_call_second\": \(allocations(r)), \"events\": \(r.events.count)}"
            }
            for (k, v) in agree.sorted(by: { $0.key < $1.key }) { parts.append("\"\(k)_events_identical\": \(v)") }
            print("{\(parts.joined(separator: ", "))}")
            return
        }
        print("parley bench sim (prompt recognition per call: the demo's hello, offer, one_moment, coupon_sent, μ-law)")
        print("  case                   CPU ms/call-s  calls/core  µs/packet p50    p99     max  searches/s  frames/search  allocs/s")
        for r in rows {
            let perCore = r.cpuMsPerCallSecond > 0 ? 1_000 / r.cpuMsPerCallSecond : 0
            print("  " + r.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                  + String(format: "%13.2f %11.0f %14.1f %7.1f %7.1f %11.1f %14.0f  ", r.cpuMsPerCallSecond, perCore,
                           r.quantile(0.5) / 1000, r.quantile(0.99) / 1000, (r.packetNs.max() ?? 0) / 1000,
                           r.searchesPerCallSecond, r.framesPerSearch)
                  + allocations(r))
        }
        for (k, v) in agree.sorted(by: { $0.key < $1.key }) {
            print("  \(k): pruned and exhaustive search report \(v ? "the same" : "DIFFERENT") events (\(rows.first { $0.name == k + "_pruned" }?.events.count ?? 0))")
        }
        if !active { print("  warning: the allocation counter is not active in this binary") }
    }

    static func threadCpuNs() -> Int64 { BenchEcho.threadCpuNs() }
}
