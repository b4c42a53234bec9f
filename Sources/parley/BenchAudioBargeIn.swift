import Foundation
import ParleyAudio
import ParleyCodecs

/// The barge-in figures of `parley bench audio`: every clip of the labelled audio test set
/// (Scripts/fixtures.d/20-audio.sh, under `$PARLEY_FIXTURES` or `.data/fixtures`) run through
/// a listening pipeline (per echo configuration) with an `immediate` prompt, in closed loop
/// like ParleyAudioTests:
/// the echo is rebuilt from what was actually played (the labelled delay and echo return
/// loss, then G.711 μ-law), so a stopped prompt stops echoing. Delays are in audio time:
/// stop minus the caller's labelled onset. The tests assert each clip's outcome; the
/// distribution is reported here.
enum BenchAudioBargeIn {
    struct Label: Decodable {
        let name: String
        let kind: String
        let onsetMs: Int?
        let delayMs: Int?
        let erlDb: Int?
        let noise: String?
    }

    struct Labels: Decodable {
        let clips: [Label]
    }

    struct Result {
        /// (clip, class, delay ms) for barge-in clips that stopped the prompt after the onset.
        var delays: [(name: String, kind: String, delayMs: Int)] = []
        var missed: [String] = []
        /// Stopped before the caller's onset.
        var early: [String] = []
        /// Echo-only and noise-only clips that stopped the prompt, by class.
        var falseStops: [String: [String]] = [:]
        var quietClips: [String: Int] = [:]
        /// Echo-only clips: what the canceller removed (capture over cleaned output energy,
        /// frames with the canceller on), dB, over the whole clip and over its last second.
        var echoReductionDb: [Double] = []
        var echoReductionLastSecondDb: [Double] = []

        func percentile(_ p: Double, kind: String? = nil) -> Int? {
            let values = delays.filter { kind == nil || $0.kind == kind }.map(\.delayMs).sorted()
            guard !values.isEmpty else { return nil }
            let rank = Int((p / 100 * Double(values.count - 1)).rounded(.up))
            return values[min(rank, values.count - 1)]
        }

        var falseCount: Int { falseStops.values.map(\.count).reduce(0, +) }

        /// The spec's goal: every interruption stops the prompt after the caller's onset, p95
        /// within 100 ms, and no echo-only or noise-only clip stops it.
        var meetsGoal: Bool {
            missed.isEmpty && early.isEmpty && falseCount == 0 && !delays.isEmpty && (percentile(95) ?? .max) <= 100
        }
    }

    static var directory: URL {
        let root = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/.data/fixtures")
        return root.appendingPathComponent("audio")
    }

    static func samples(_ name: String) throws -> [Int16] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".raw"))
        let bytes = [UInt8](data)
        return (0..<(bytes.count / 2)).map { i in
            Int16(bitPattern: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)
        }
    }

    /// Runs the set; nil (with a message on stderr) when the fixtures are missing.
    static func run(configuration: ListeningConfiguration) -> Result? {
        let url = directory.appendingPathComponent("labels.json")
        guard let data = try? Data(contentsOf: url), let labels = try? JSONDecoder().decode(Labels.self, from: data) else {
            FileHandleOutput.error("parley bench audio: no audio test set at \(url.path) (run Scripts/fixtures.sh)")
            return nil
        }
        var result = Result()
        do {
            for clip in labels.clips {
                switch clip.kind {
                case "bargeIn":
                    guard let onset = clip.onsetMs else { continue }
                    let kind = clip.noise ?? "echo"
                    guard let stop = try runClip(clip, configuration: configuration).stopMs else { result.missed.append(clip.name); continue }
                    if stop < onset { result.early.append(clip.name) } else {
                        result.delays.append((clip.name, kind, stop - onset))
                    }
                case "echoOnly", "noiseOnly":
                    let kind = clip.kind == "echoOnly" ? "echo" : (clip.noise ?? "noise")
                    result.quietClips[kind, default: 0] += 1
                    let outcome = try runClip(clip, configuration: configuration)
                    if outcome.stopMs != nil { result.falseStops[kind, default: []].append(clip.name) }
                    if clip.kind == "echoOnly" {
                        result.echoReductionDb.append(outcome.reductionDb)
                        result.echoReductionLastSecondDb.append(outcome.lastSecondReductionDb)
                    }
                default:
                    continue
                }
            }
        } catch {
            FileHandleOutput.error("parley bench audio: reading the audio test set: \(error)")
            return nil
        }
        return result
    }

    struct Outcome {
        /// When the pipeline first stopped the prompt (ms of audio), nil when it never did.
        var stopMs: Int?
        var captureEnergy = 0.0, cleanedEnergy = 0.0
        var lastSecondCaptureEnergy = 0.0, lastSecondCleanedEnergy = 0.0

        static func db(_ capture: Double, _ cleaned: Double) -> Double {
            capture > 0 ? 10 * log10(capture / max(cleaned, 1e-3)) : 0
        }
        var reductionDb: Double { Self.db(captureEnergy, cleanedEnergy) }
        var lastSecondReductionDb: Double { Self.db(lastSecondCaptureEnergy, lastSecondCleanedEnergy) }
    }

    /// Runs a clip until the pipeline first stops the prompt (or to its end), measuring the
    /// energy the canceller removes on the way.
    static func runClip(_ clip: Label, configuration: ListeningConfiguration) throws -> Outcome {
        var outcome = Outcome()
        let played = try samples(clip.name + ".play")
        let near = try samples(clip.name + ".near")
        let echoDelay = (clip.delayMs ?? 0) * 8
        let echoGain = clip.erlDb.map { pow(10, -Double($0) / 20) } ?? 0
        let pipeline = ListeningPipeline(configuration: configuration)
        try pipeline.prepare(format: .narrowband)
        pipeline.startPrompt(try PromptPlan(lengthMs: 9000, policy: .immediate, cuePointsMs: [0, 1400, 5200]))
        let n = AudioFormat.narrowband.frameSamples
        var actuallyPlayed = [Int16](repeating: 0, count: near.count)
        var captureFrame = [Int16](repeating: 0, count: n)
        var playedFrame = [Int16](repeating: 0, count: n)
        let silence: [Int16] = []
        var frame = 0
        while (frame + 1) * n <= near.count {
            let start = frame * n
            let playing = start + n <= played.count
            if playing {
                for i in 0..<n {
                    playedFrame[i] = played[start + i]
                    actuallyPlayed[start + i] = played[start + i]
                }
            }
            for i in 0..<n {
                let t = start + i
                let echo = t >= echoDelay ? Double(actuallyPlayed[t - echoDelay]) * echoGain : 0
                let mixed = Int16(max(-32768, min(32767, (Double(near[t]) + echo).rounded())))
                captureFrame[i] = G711.decodeMuLaw(G711.encodeMuLaw(mixed))
            }
            let timestamp = UInt32(truncatingIfNeeded: start)
            if playing {
                pipeline.process(captureFrame: captureFrame.span, playedFrame: playedFrame.span, rtpTimestamp: timestamp)
            } else {
                pipeline.process(captureFrame: captureFrame.span, playedFrame: silence.span, rtpTimestamp: timestamp)
            }
            if pipeline.echoCancellerActive {
                var capture = 0.0, cleaned = 0.0
                for v in captureFrame { capture += Double(v) * Double(v) }
                pipeline.withCleanedFrame { out in for i in 0..<out.count { cleaned += Double(out[i]) * Double(out[i]) } }
                outcome.captureEnergy += capture
                outcome.cleanedEnergy += cleaned
                if (frame + 100) * n >= near.count {
                    outcome.lastSecondCaptureEnergy += capture
                    outcome.lastSecondCleanedEnergy += cleaned
                }
            }
            for event in pipeline.events {
                if case let .stopPlayback(atMs, _) = event {
                    outcome.stopMs = atMs
                    return outcome
                }
            }
            frame += 1
        }
        return outcome
    }

    static func median(_ values: [Double]) -> Double? {
        let s = values.sorted()
        return s.isEmpty ? nil : (s[(s.count - 1) / 2] + s[s.count / 2]) / 2
    }

    static func db(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "null" }

    /// Flat JSON members (`"prefix_name": value`), null figures when the set did not run.
    static func jsonMembers(_ result: Result?, prefix: String) -> [String] {
        func int(_ v: Int?) -> String { v.map(String.init) ?? "null" }
        guard let r = result else {
            return ["\"\(prefix)_p50_ms\": null", "\"\(prefix)_p95_ms\": null", "\"\(prefix)_max_ms\": null",
                    "\"\(prefix)_false\": null"]
        }
        var parts = [
            "\"\(prefix)_clips\": \(r.delays.count + r.missed.count + r.early.count)",
            "\"\(prefix)_p50_ms\": \(int(r.percentile(50)))",
            "\"\(prefix)_p95_ms\": \(int(r.percentile(95)))",
            "\"\(prefix)_max_ms\": \(int(r.delays.map(\.delayMs).max()))",
            "\"\(prefix)_missed\": \(r.missed.count)",
            "\"\(prefix)_early\": \(r.early.count)",
            "\"\(prefix)_false\": \(r.falseCount)",
            "\"\(prefix)_met\": \(r.meetsGoal)",
            "\"\(prefix)_echo_reduction_db_median\": \(db(median(r.echoReductionDb)))",
            "\"\(prefix)_echo_reduction_db_min\": \(db(r.echoReductionDb.min()))",
            "\"\(prefix)_echo_reduction_last_s_db_median\": \(db(median(r.echoReductionLastSecondDb)))",
            "\"\(prefix)_echo_reduction_last_s_db_min\": \(db(r.echoReductionLastSecondDb.min()))",
        ]
        for kind in ["echo", "white", "babble"] {
            parts.append("\"\(prefix)_\(kind)_p50_ms\": \(int(r.percentile(50, kind: kind)))")
            parts.append("\"\(prefix)_\(kind)_p95_ms\": \(int(r.percentile(95, kind: kind)))")
            parts.append("\"\(prefix)_\(kind)_max_ms\": \(int(r.delays.filter { $0.kind == kind }.map(\.delayMs).max()))")
        }
        for kind in r.quietClips.keys.sorted() {
            parts.append("\"\(prefix)_false_\(kind)_only\": \(r.falseStops[kind]?.count ?? 0)")
        }
        return parts
    }

    /// One block per configuration (`setups`: name and summary), in the given order.
    static func printTable(_ results: [String: Result], setups: [(name: String, summary: String)]) {
        guard !results.isEmpty else {
            print("barge-in test set: not run (fixtures missing)")
            return
        }
        func ms(_ v: Int?) -> String {
            let text = v.map { "\($0)" } ?? "-"
            return String(repeating: " ", count: max(0, 6 - text.count)) + text
        }
        print("barge-in delay after the caller's onset (audio time, immediate policy, labelled set), ms")
        print("setup            class     clips   p50   p95   max")
        for setup in setups {
            guard let r = results[setup.name] else { continue }
            for kind in [nil, "echo", "white", "babble"] as [String?] {
                let delays = r.delays.filter { kind == nil || $0.kind == kind }.map(\.delayMs)
                print(setup.name.padding(toLength: 17, withPad: " ", startingAt: 0)
                      + (kind ?? "all").padding(toLength: 8, withPad: " ", startingAt: 0)
                      + String(format: "%5d", delays.count) + ms(r.percentile(50, kind: kind))
                      + ms(r.percentile(95, kind: kind)) + ms(delays.max()))
            }
            let slow = r.delays.filter { $0.delayMs > 100 }.map { "\($0.name) \($0.delayMs)" }
            let quiet = r.quietClips.keys.sorted().map { "\($0)-only \(r.falseStops[$0]?.count ?? 0)/\(r.quietClips[$0]!)" }
            let falseNames = r.falseStops.values.flatMap { $0 }.sorted()
            print("  \(setup.name) (\(setup.summary)): false barge-ins " + quiet.joined(separator: ", ")
                  + (falseNames.isEmpty ? "" : " \(falseNames)")
                  + "; missed \(r.missed.count)\(r.missed.isEmpty ? "" : " \(r.missed)"); before the onset \(r.early.count)"
                  + "\(r.early.isEmpty ? "" : " \(r.early)"); over 100 ms: \(slow.isEmpty ? "none" : slow.joined(separator: ", "))"
                  + "; goal (p95 <= 100 ms, none missed, early or false): \(r.meetsGoal ? "met" : "NOT met")")
            print("  \(setup.name): echo removed on the \(r.echoReductionDb.count) echo-only clips (capture/cleaned, "
                  + "canceller on), dB: whole clip median \(db(median(r.echoReductionDb))) min \(db(r.echoReductionDb.min()))"
                  + "; last second median \(db(median(r.echoReductionLastSecondDb))) "
                  + "min \(db(r.echoReductionLastSecondDb.min()))")
        }
    }
}
