import Foundation
import ParleyAudio
import ParleyCodecs

/// The barge-in figures of `parley bench audio`: every clip of the labelled audio test set
/// (Scripts/fixtures.d/20-audio.sh, under `$PARLEY_FIXTURES` or `.data/fixtures`) run through
/// a listening pipeline with an `immediate` prompt, in closed loop like ParleyAudioTests:
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

        func percentile(_ p: Double, kind: String? = nil) -> Int? {
            let values = delays.filter { kind == nil || $0.kind == kind }.map(\.delayMs).sorted()
            guard !values.isEmpty else { return nil }
            let rank = Int((p / 100 * Double(values.count - 1)).rounded(.up))
            return values[min(rank, values.count - 1)]
        }
    }

    static var directory: URL {
        let root = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/.data/fixtures")
        return root.appendingPathComponent("audio")
    }

    static func samples(_ name: String) throws -> [Int16] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".raw"))
        var out = [Int16](repeating: 0, count: data.count / 2)
        data.withUnsafeBytes { raw in
            for i in 0..<out.count { out[i] = Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) }
        }
        return out
    }

    /// Runs the set; nil (with a message on stderr) when the fixtures are missing.
    static func run() -> Result? {
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
                    guard let stop = try firstStopMs(clip) else { result.missed.append(clip.name); continue }
                    if stop < onset { result.early.append(clip.name) } else {
                        result.delays.append((clip.name, kind, stop - onset))
                    }
                case "echoOnly", "noiseOnly":
                    let kind = clip.kind == "echoOnly" ? "echo" : (clip.noise ?? "noise")
                    result.quietClips[kind, default: 0] += 1
                    if try firstStopMs(clip) != nil { result.falseStops[kind, default: []].append(clip.name) }
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

    /// When the pipeline first stopped the prompt (ms of audio), nil when it never did.
    static func firstStopMs(_ clip: Label) throws -> Int? {
        let played = try samples(clip.name + ".play")
        let near = try samples(clip.name + ".near")
        let echoDelay = (clip.delayMs ?? 0) * 8
        let echoGain = clip.erlDb.map { pow(10, -Double($0) / 20) } ?? 0
        let pipeline = ListeningPipeline()
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
            for event in pipeline.events {
                if case let .stopPlayback(atMs, _) = event { return atMs }
            }
            frame += 1
        }
        return nil
    }

    /// Flat JSON members (`"name": value`), null figures when the set did not run.
    static func jsonMembers(_ result: Result?) -> [String] {
        func int(_ v: Int?) -> String { v.map(String.init) ?? "null" }
        guard let r = result else {
            return ["\"bargein_p50_ms\": null", "\"bargein_p95_ms\": null", "\"bargein_max_ms\": null",
                    "\"bargein_false\": null"]
        }
        var parts = [
            "\"bargein_clips\": \(r.delays.count + r.missed.count + r.early.count)",
            "\"bargein_p50_ms\": \(int(r.percentile(50)))",
            "\"bargein_p95_ms\": \(int(r.percentile(95)))",
            "\"bargein_max_ms\": \(int(r.delays.map(\.delayMs).max()))",
            "\"bargein_missed\": \(r.missed.count)",
            "\"bargein_early\": \(r.early.count)",
            "\"bargein_false\": \(r.falseStops.values.map(\.count).reduce(0, +))",
        ]
        for kind in ["echo", "white", "babble"] {
            parts.append("\"bargein_\(kind)_p95_ms\": \(int(r.percentile(95, kind: kind)))")
            parts.append("\"bargein_\(kind)_max_ms\": \(int(r.delays.filter { $0.kind == kind }.map(\.delayMs).max()))")
        }
        for kind in r.quietClips.keys.sorted() {
            parts.append("\"bargein_false_\(kind)_only\": \(r.falseStops[kind]?.count ?? 0)")
        }
        return parts
    }

    static func printTable(_ result: Result?) {
        guard let r = result else {
            print("barge-in test set: not run (fixtures missing)")
            return
        }
        func ms(_ v: Int?) -> String {
            let text = v.map { "\($0)" } ?? "-"
            return String(repeating: " ", count: max(0, 6 - text.count)) + text
        }
        print("barge-in delay after the caller's onset (audio time, immediate policy, labelled set)")
        print("class      clips   p50   p95   max (ms)")
        for kind in [nil, "echo", "white", "babble"] as [String?] {
            let count = r.delays.filter { kind == nil || $0.kind == kind }.count
            let max = r.delays.filter { kind == nil || $0.kind == kind }.map(\.delayMs).max()
            print((kind ?? "all").padding(toLength: 10, withPad: " ", startingAt: 0)
                  + String(format: "%5d", count) + ms(r.percentile(50, kind: kind))
                  + ms(r.percentile(95, kind: kind)) + ms(max))
        }
        let slow = r.delays.filter { $0.delayMs > 100 }.map { "\($0.name) \($0.delayMs) ms" }
        print("over 100 ms: \(slow.isEmpty ? "none" : slow.joined(separator: ", ")); missed \(r.missed.count); "
              + "stopped before the onset \(r.early.count)")
        let quiet = r.quietClips.keys.sorted().map { "\($0)-only \(r.falseStops[$0]?.count ?? 0)/\(r.quietClips[$0]!)" }
        print("false barge-ins: " + quiet.joined(separator: ", "))
        print("goal: p95 <= 100 ms, no false barge-in")
    }
}
