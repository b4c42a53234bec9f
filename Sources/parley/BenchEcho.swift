import CParleyAllocCounter
import Foundation
import ParleyAudio
import ParleyCodecs

/// `parley bench echo [--json] [--repeat N]` — the wide echo-delay search that the echo
/// reference runs (at most every 20 ms) while the echo stops matching at the known delay:
/// CPU and multiply-adds per search for the exhaustive sample-by-sample search (the
/// reference: the search as it was) and the coarse-to-fine one, at 8 and 16 kHz, heap
/// allocations per search, and how often the two found different lags. Input: a synthetic
/// voice (gliding pitch, moving formants, syllables and pauses) echoed at 100 ms, ERL 6 dB,
/// through G.711 μ-law both ways, searched around a delay 60 ms off (the echo path moved),
/// every 20 ms. Both strategies run at each search point, so an A/B shares the machine's
/// state; CPU is thread CPU time, the median per search is the figure.
enum BenchEcho {
    struct Row {
        let name: String
        var nsPerSearch: [Double] = []
        var multiplyAdds = 0
        var found = 0
        var allocations: UInt64 = 0
        var median: Double { let s = nsPerSearch.sorted(); return s.isEmpty ? 0 : s[s.count / 2] }
        var p99: Double { let s = nsPerSearch.sorted(); return s.isEmpty ? 0 : s[min(s.count - 1, s.count * 99 / 100)] }
    }

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        var repetitions = 3
        if let i = arguments.firstIndex(of: "--repeat"), i + 1 < arguments.count, let v = Int(arguments[i + 1]) {
            repetitions = max(1, v)
        }
        var rows: [Row] = []
        var disagreements: [String: Int] = [:]
        var searches: [String: Int] = [:]
        let active = parley_alloc_counter_is_active() != 0
        for format in [AudioFormat.narrowband, .wideband] {
            let k = "\(format.sampleRate / 1000)k"
            var exhaustive = Row(name: "\(k)_exhaustive")
            var coarse = Row(name: "\(k)_coarse_to_fine")
            let (played, capture) = synthesize(format: format, seconds: 4, delayMs: 100, erlDb: 6)
            // Room for every figure up front: the counted loop must not grow an array.
            exhaustive.nsPerSearch.reserveCapacity(repetitions * 200)
            coarse.nsPerSearch.reserveCapacity(repetitions * 200)
            for round in 0...repetitions {
                // Round 0 warms up (not counted).
                var probe = EchoSearchProbe(format: format, played: played, capture: capture)
                var differ = 0
                var count = 0
                if round > 0 { parley_alloc_counting_begin() }
                for f in 0..<probe.frameCount {
                    probe.write(frame: f)
                    guard f % 2 == 1, f >= 32 else { continue }
                    let t0 = threadCpuNs()
                    let a = probe.search(aroundDelayMs: 40, coarseToFine: false)
                    let t1 = threadCpuNs()
                    let ma = probe.lastSearchMultiplyAdds
                    let b = probe.search(aroundDelayMs: 40, coarseToFine: true)
                    let t2 = threadCpuNs()
                    guard round > 0 else { continue }
                    exhaustive.nsPerSearch.append(Double(t1 - t0))
                    coarse.nsPerSearch.append(Double(t2 - t1))
                    exhaustive.multiplyAdds = max(exhaustive.multiplyAdds, ma)
                    coarse.multiplyAdds = max(coarse.multiplyAdds, probe.lastSearchMultiplyAdds)
                    if a >= 0 { exhaustive.found += 1 }
                    if b >= 0 { coarse.found += 1 }
                    if a != b { differ += 1 }
                    count += 1
                }
                if round > 0 {
                    let allocations = parley_alloc_counting_end()
                    exhaustive.allocations += allocations
                    coarse.allocations += allocations
                    disagreements[k, default: 0] += differ
                    searches[k, default: 0] += count
                }
            }
            rows += [exhaustive, coarse]
        }
        report(rows: rows, disagreements: disagreements, searches: searches, active: active, json: json)
        return 0
    }

    static func report(rows: [Row], disagreements: [String: Int], searches: [String: Int], active: Bool, json: Bool) {
        func perSearch(_ row: Row) -> String {
            guard active else { return "null" }
            let k = String(row.name.prefix { $0 != "_" })
            return String(format: "%.3f", Double(row.allocations) / Double(max(1, 2 * (searches[k] ?? 0))))
        }
        if json {
            var parts = rows.map { r in
                "\"\(r.name)\": {\"searches\": \(r.nsPerSearch.count), \"found\": \(r.found), "
                    + "\"us_per_search_p50\": \(String(format: "%.1f", r.median / 1000)), "
                    + "\"us_per_search_p99\": \(String(format: "%.1f", r.p99 / 1000)), "
                    + "\"multiply_adds_per_search\": \(r.multiplyAdds), \"allocations_per_search\": \(perSearch(r))}"
            }
            for (k, v) in disagreements.sorted(by: { $0.key < $1.key }) { parts.append("\"\(k)_lags_differing\": \(v)") }
            print("{\(parts.joined(separator: ", "))}")
            return
        }
        print("parley bench echo (relocation search: 20 ms of capture over ±120 ms; echo 100 ms, ERL 6 dB; searched 60 ms off)")
        print("  case                    searches  found  µs p50   µs p99   mult-adds  allocs/search")
        for r in rows {
            print("  " + r.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                  + String(format: "%9d %6d %8.1f %8.1f %10d  ", r.nsPerSearch.count, r.found, r.median / 1000, r.p99 / 1000, r.multiplyAdds)
                  + perSearch(r))
        }
        for (k, v) in disagreements.sorted(by: { $0.key < $1.key }) {
            print("  \(k): lags differing between the strategies: \(v) of \(searches[k] ?? 0)")
        }
        if !active { print("  warning: the allocation counter is not active in this binary") }
    }

    static func threadCpuNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// A voice whose pitch glides around 130 Hz through two moving formants, in syllables of
    /// 90–260 ms with gaps, and its echo (`delayMs`, −`erlDb`) through μ-law both ways.
    static func synthesize(format: AudioFormat, seconds: Int, delayMs: Int, erlDb: Double) -> (played: [Int16], capture: [Int16]) {
        let rate = Double(format.sampleRate)
        let n = format.sampleRate * seconds
        var played = [Int16](repeating: 0, count: n)
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func unit() -> Double {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(seed >> 11) * 0x1.0p-53
        }
        var i = 0
        var phase = 0.0
        while i < n {
            let syllable = Int((0.09 + 0.17 * unit()) * rate)
            let gap = Int((0.02 + 0.1 * unit()) * rate)
            let f1 = 300 + 500 * unit(), f2 = 900 + 1_300 * unit()
            let pitch0 = 130 * (0.8 + 0.4 * unit()), pitch1 = 130 * (0.8 + 0.4 * unit())
            for k in 0..<syllable where i + k < n {
                let x = Double(k) / Double(syllable)
                let f0 = pitch0 + (pitch1 - pitch0) * x
                phase += 2 * .pi * f0 / rate
                var v = 0.0
                var h = 1.0
                while h * f0 < min(3_400, rate / 2 - 200) {
                    let f = h * f0
                    v += (1 / (1 + pow((f - f1) / 120, 2)) + 0.6 / (1 + pow((f - f2) / 180, 2)) + 0.03) * sin(h * phase)
                    h += 1
                }
                played[i + k] = Int16(max(-32_000, min(32_000, 8_000 * sin(.pi * x) * v)))
            }
            i += syllable + gap
        }
        let delay = format.samples(ms: delayMs)
        let gain = pow(10, -erlDb / 20)
        var capture = [Int16](repeating: 0, count: n)
        for t in delay..<n {
            let sent = G711.decodeMuLaw(G711.encodeMuLaw(played[t - delay]))
            let echo = Int16(max(-32_000, min(32_000, (Double(sent) * gain).rounded())))
            capture[t] = G711.decodeMuLaw(G711.encodeMuLaw(echo))
        }
        return (played, capture)
    }
}
