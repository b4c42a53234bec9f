import Foundation
import ParleyAudio

/// `parley bench audio [--json] [--seconds N] [--repeat N] [--only CASE|bargein]` — CPU per
/// call per second of audio for the whole listening pipeline (echo canceller on while a
/// prompt plays, off while listening; 8 kHz and 16 kHz) per echo configuration (AEC or AECM,
/// noise suppression on or off), a measured call mix, the implied calls per core,
/// allocations per frame after warm-up, the barge-in delay and false barge-ins over the
/// labelled audio test set per configuration (`BenchAudioBargeIn`), and which
/// configuration meets the 8 kHz goal on both counts.
/// CPU is process CPU time (`clock()`). Every case runs `--repeat` times, the cases
/// interleaved round by round so an A/B shares the machine's state; the median is the
/// figure, the minimum the quiet-machine bound. Input is synthetic (speech-like harmonics
/// with syllable-rate modulation, its echo at 80 ms / ERL 12 dB, line noise, short caller
/// bursts and DTMF so barge-in, resume, VAD and DTMF events fire), generated before timing.
enum BenchAudio {
    /// An echo configuration as the daemon's `listening` section would set it.
    struct Setup: Equatable {
        let name: String
        let summary: String
        let mode: EchoCanceller.Mode
        let noiseSuppression: Bool
        var delayAgnostic = true

        var echoConfiguration: EchoCanceller.Configuration {
            var c = EchoCanceller.Configuration(mode: mode, noiseSuppression: noiseSuppression)
            c.delayAgnostic = delayAgnostic
            return c
        }

        /// `echo_cancellation: aec`, `noise_suppression: false`: the daemon's default.
        static let aec = Setup(name: "aec", summary: "AEC, NS off (daemon default)", mode: .aec, noiseSuppression: false)
        static let aecNS = Setup(name: "aec_ns", summary: "AEC + NS", mode: .aec, noiseSuppression: true)
        static let aecm = Setup(name: "aecm", summary: "AECM, NS off", mode: .aecm, noiseSuppression: false)
        static let aecmNS = Setup(name: "aecm_ns", summary: "AECM + NS", mode: .aecm, noiseSuppression: true)
        /// The AEC told the pipeline's delay (no delay-agnostic search, short filter).
        static let aecKnownDelay = Setup(name: "aec_known_delay", summary: "AEC told the delay, NS off",
                                         mode: .aec, noiseSuppression: false, delayAgnostic: false)
        static let all = [aec, aecNS, aecm, aecmNS, aecKnownDelay]
    }

    struct Case {
        let setup: Setup
        let format: AudioFormat
        let state: State
        var name: String {
            let k = format.sampleRate / 1000
            // Listening does not run the canceller: only noise suppression changes its cost.
            if state == .listening { return "\(k)k_listening" + (setup.noiseSuppression ? "_ns" : "") }
            return "\(k)k_\(state.rawValue)_\(setup.name)"
        }
    }

    struct Row {
        let name: String
        /// One figure per repetition.
        var cpuUsPerAudioSecond: [Double]
        var allocationsPerFrame: Double?
        var eventsPerSecond: Double
        /// Share of frames that went through the echo canceller.
        var activeShare: Double

        var medianCpu: Double {
            let s = cpuUsPerAudioSecond.sorted()
            return s.isEmpty ? 0 : (s[(s.count - 1) / 2] + s[s.count / 2]) / 2
        }
        var minCpu: Double { cpuUsPerAudioSecond.min() ?? 0 }
        var callsPerCore: Double { medianCpu > 0 ? 1_000_000 / medianCpu : 0 }
        var quietCallsPerCore: Double { minCpu > 0 ? 1_000_000 / minCpu : 0 }
        var usPerFrame: Double { medianCpu / 100 }
    }

    /// Every measured case, 8 kHz first.
    static var cases: [Case] {
        var out: [Case] = []
        for setup in Setup.all {
            out.append(Case(setup: setup, format: .narrowband, state: .playing))
            out.append(Case(setup: setup, format: .narrowband, state: .mix))
        }
        out.append(Case(setup: .aec, format: .narrowband, state: .listening))
        out.append(Case(setup: .aecNS, format: .narrowband, state: .listening))
        out.append(Case(setup: .aec, format: .narrowband, state: .quietLine))
        out.append(Case(setup: .aec, format: .narrowband, state: .quietLineInterleaved))
        for setup in [Setup.aec, .aecNS, .aecm] {
            out.append(Case(setup: setup, format: .wideband, state: .playing))
            out.append(Case(setup: setup, format: .wideband, state: .mix))
        }
        out.append(Case(setup: .aec, format: .wideband, state: .listening))
        return out
    }

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        func intArgument(_ flag: String, default value: Int) -> Int {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else {
                return value
            }
            return max(1, v)
        }
        let seconds = intArgument("--seconds", default: 20)
        let repetitions = intArgument("--repeat", default: 5)
        var only: String?
        if let i = arguments.firstIndex(of: "--only"), i + 1 < arguments.count { only = arguments[i + 1] }
        let selected = cases.filter { only == nil || only == $0.name }
        var bargeIn: [String: BenchAudioBargeIn.Result] = [:]
        if only == nil || only == "bargein" {
            for setup in Setup.all {
                if let r = BenchAudioBargeIn.run(configuration: ListeningConfiguration(echo: setup.echoConfiguration)) {
                    bargeIn[setup.name] = r
                }
            }
        }
        var rows: [Row] = []
        do {
            for round in 0..<repetitions {
                for (i, c) in selected.enumerated() {
                    // Warm-up: a short pass on a throwaway pipeline first, so one-time
                    // process-wide initialisation (runtime metadata, library statics) happens
                    // before anything is counted.
                    if round == 0 { _ = try measureOnce(c, seconds: min(seconds, 5)) }
                    let r = try measureOnce(c, seconds: seconds)
                    if round == 0 { rows.append(r) } else {
                        rows[i].cpuUsPerAudioSecond += r.cpuUsPerAudioSecond
                        // Any allocation in any repetition shows.
                        if let a = r.allocationsPerFrame { rows[i].allocationsPerFrame = max(rows[i].allocationsPerFrame ?? 0, a) }
                    }
                }
            }
        } catch {
            FileHandleOutput.error("parley bench audio: \(error)")
            return 1
        }
        let verdicts = goalVerdicts(rows: rows, bargeIn: bargeIn)
        if json {
            printJSON(rows: rows, bargeIn: bargeIn, verdicts: verdicts, only: only)
        } else {
            printTable(rows: rows, bargeIn: bargeIn, verdicts: verdicts, seconds: seconds, repetitions: repetitions,
                       only: only)
        }
        return 0
    }
}
