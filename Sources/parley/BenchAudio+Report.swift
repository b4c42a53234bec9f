import Foundation
import ParleyAudio

extension BenchAudio {
    /// The goal: the pipeline without the recognizer fits 500 calls per core at 8 kHz, i.e.
    /// at most 2000 µs of CPU per call per second of audio.
    static let goalCallsPerCore = 500.0

    /// Whether an 8 kHz configuration meets the goal: in the call mix (CPU) and on the
    /// labelled barge-in set (quality: no missed, early or false barge-in, p95 ≤ 100 ms).
    struct Verdict {
        let setup: Setup
        let playing: Row
        let mix: Row
        let listening: Row
        let bargeIn: BenchAudioBargeIn.Result?

        /// The largest share of time playing at which the medians still fit the goal
        /// (linear in the share: playing and listening cost per second).
        var breakEvenPlayingShare: Double {
            let budget = 1_000_000 / goalCallsPerCore
            let p = playing.medianCpu, l = listening.medianCpu
            if p <= budget { return 1 }
            if l >= budget { return 0 }
            return (budget - l) / (p - l)
        }
        var cpuMet: Bool { mix.callsPerCore >= goalCallsPerCore }
        var bargeInMet: Bool? { bargeIn.map(\.meetsGoal) }
        var met: Bool { cpuMet && bargeInMet == true }
    }

    static func goalVerdicts(rows: [Row], bargeIn: [String: BenchAudioBargeIn.Result]) -> [Verdict] {
        func row(_ c: Case) -> Row? { rows.first { $0.name == c.name } }
        return Setup.all.compactMap { setup in
            guard let p = row(Case(setup: setup, format: .narrowband, state: .playing)),
                  let m = row(Case(setup: setup, format: .narrowband, state: .mix)),
                  let l = row(Case(setup: setup, format: .narrowband, state: .listening)) else { return nil }
            return Verdict(setup: setup, playing: p, mix: m, listening: l, bargeIn: bargeIn[setup.name])
        }
    }

    static func printJSON(rows: [Row], bargeIn: [String: BenchAudioBargeIn.Result], verdicts: [Verdict],
                          only: String?) {
        var parts: [String] = []
        for r in rows {
            parts.append("\"\(r.name)_cpu_us_per_s\": \(String(format: "%.1f", r.medianCpu))")
            parts.append("\"\(r.name)_cpu_us_per_s_min\": \(String(format: "%.1f", r.minCpu))")
            parts.append("\"\(r.name)_calls_per_core\": \(Int(r.callsPerCore))")
            parts.append("\"\(r.name)_allocs_per_frame\": \(r.allocationsPerFrame.map { String(format: "%.3f", $0) } ?? "null")")
            parts.append("\"\(r.name)_events_per_s\": \(String(format: "%.2f", r.eventsPerSecond))")
            parts.append("\"\(r.name)_canceller_share\": \(String(format: "%.3f", r.activeShare))")
        }
        if only == nil || only == "bargein" {
            for setup in Setup.all {
                parts += BenchAudioBargeIn.jsonMembers(bargeIn[setup.name], prefix: "bargein_\(setup.name)")
            }
        }
        if !verdicts.isEmpty {
            parts.append("\"goal_8k_calls_per_core\": \(Int(goalCallsPerCore))")
            parts.append("\"mix_playing_share\": \(mixPlayingShare)")
            for v in verdicts {
                let p = "goal_8k_\(v.setup.name)"
                parts.append("\"\(p)_breakeven_playing_share\": \(String(format: "%.2f", v.breakEvenPlayingShare))")
                parts.append("\"\(p)_cpu_met\": \(v.cpuMet)")
                parts.append("\"\(p)_bargein_met\": \(v.bargeInMet.map { "\($0)" } ?? "null")")
                parts.append("\"\(p)_met\": \(v.met)")
            }
            let names = verdicts.filter(\.met).map { "\"\($0.setup.name)\"" }
            parts.append("\"goal_8k_met_by\": [\(names.joined(separator: ", "))]")
        }
        print("{" + parts.joined(separator: ", ") + "}")
    }

    static func printTable(rows: [Row], bargeIn: [String: BenchAudioBargeIn.Result], verdicts: [Verdict],
                           seconds: Int, repetitions: Int, only: String?) {
        if only != "bargein" {
            print("listening pipeline, \(seconds) s of audio per case, \(repetitions) interleaved runs: median (min)")
            print("mix: \(mixPromptMs / 1000) s prompt + \((mixCycleMs - mixPromptMs) / 1000) s listening per cycle "
                  + "(\(Int(mixPlayingShare * 100)) % playing); release build expected")
            print("case".padding(toLength: 32, withPad: " ", startingAt: 0)
                  + "  CPU µs/s audio   µs/frame  calls/core (quiet)  AEC on  events/s  allocs/frame")
            for r in rows {
                let allocs = r.allocationsPerFrame.map { String(format: "%.3f", $0) } ?? "n/a"
                print(r.name.padding(toLength: 32, withPad: " ", startingAt: 0)
                      + String(format: "%9.1f (%6.1f)  %8.2f  %10.0f (%5.0f)  %5.0f%%  %8.2f  %@",
                               r.medianCpu, r.minCpu, r.usPerFrame, r.callsPerCore, r.quietCallsPerCore,
                               r.activeShare * 100, r.eventsPerSecond, allocs))
            }
        }
        if only == nil || only == "bargein" {
            print("")
            BenchAudioBargeIn.printTable(bargeIn, setups: Setup.all.map { ($0.name, $0.summary) })
        }
        guard !verdicts.isEmpty else { return }
        print("")
        print("goal: >= \(Int(goalCallsPerCore)) calls per core at 8 kHz (pipeline without the recognizer), "
              + "with the barge-in goal held (p95 <= 100 ms, no missed, early or false barge-in)")
        print("setup             playing  listening  mix calls/core  max playing share  barge-in  goal")
        for v in verdicts {
            let bargeInText = v.bargeInMet.map { $0 ? "ok" : "FAILS" } ?? "not run"
            print(v.setup.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: "%8.0f  %9.0f  %14.0f  %16.0f%%  ", v.playing.callsPerCore,
                           v.listening.callsPerCore, v.mix.callsPerCore, v.breakEvenPlayingShare * 100)
                  + bargeInText.padding(toLength: 8, withPad: " ", startingAt: 0)
                  + "  " + (v.met ? "met" : "not met") + "  (\(v.setup.summary))")
        }
        let met = verdicts.filter(\.met).map(\.setup.name)
        print("goal met at 8 kHz by: " + (met.isEmpty ? "no configuration" : met.joined(separator: ", ")))
    }
}
