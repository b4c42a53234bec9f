import Foundation
import ParleyAudio

/// The labelled test set written by Scripts/fixtures.d/20-audio.sh.
struct AudioLabel: Decodable, Sendable {
    let name: String
    let kind: String
    let lengthMs: Int
    let onsetMs: Int?
    let delayMs: Int?
    let erlDb: Int?
    let noise: String?
    let snrDb: Int?
    let speechEndMs: Int?
    let word: String?
    let digits: String?
    let digitTimesMs: [[Int]]?
    let keys: String?
    let expectDetected: Bool?
    let toneMs: Int?
}

struct AudioLabels: Decodable, Sendable {
    let sampleRate: Int
    let clips: [AudioLabel]
}

enum AudioFixtures {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static var directory: URL {
        if let env = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"], !env.isEmpty {
            return URL(fileURLWithPath: env).appendingPathComponent("audio")
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repo.appendingPathComponent(".data/fixtures/audio")
    }

    static func labels() throws -> AudioLabels {
        let url = directory.appendingPathComponent("labels.json")
        guard let data = try? Data(contentsOf: url) else {
            throw Missing(description: "audio fixtures missing at \(url.path): run Scripts/fixtures.sh "
                + "(or bash Scripts/fixtures.d/20-audio.sh)")
        }
        return try JSONDecoder().decode(AudioLabels.self, from: data)
    }

    /// Headerless 16-bit little-endian PCM.
    static func samples(_ name: String) throws -> [Int16] {
        let url = directory.appendingPathComponent(name + ".raw")
        guard let data = try? Data(contentsOf: url) else {
            throw Missing(description: "audio fixture \(url.path) missing: run Scripts/fixtures.sh")
        }
        let bytes = [UInt8](data)
        var out = [Int16](repeating: 0, count: bytes.count / 2)
        for i in 0..<out.count {
            out[i] = Int16(bitPattern: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)
        }
        return out
    }
}

/// Runs a clip through a pipeline frame by frame and records every event.
struct ClipRun {
    var events: [PipelineEvent] = []
    var stops: [(atMs: Int, positionMs: Int)] {
        events.compactMap { if case let .stopPlayback(at, pos) = $0 { (at, pos) } else { nil } }
    }
    var metrics: EchoMetrics?
    var resumes = 0

    /// `prompt`: a plan started with the first frame (nil: listening only).
    /// `before`: called before each frame with its start ms (to feed recognizer inputs).
    static func run(_ name: String, configuration: ListeningConfiguration = ListeningConfiguration(),
                    rate: AudioFormat = .narrowband, prompt: PromptPlan?, listen: Endpointer.ListenMode? = nil,
                    timestampBase: UInt32 = 0xFFFF_F000,
                    before: ((Int, ListeningPipeline) -> Void)? = nil,
                    trace: ((Int, PipelineStatus, ListeningPipeline) -> Void)? = nil) throws -> ClipRun {
        let labels = try AudioFixtures.labels()
        let label = labels.clips.first { $0.name == name }
        let played = try AudioFixtures.samples(name + ".play")
        // Closed loop for clips with echo: the echo is rebuilt from what was actually played
        // (delay and ERL from the labels), so stopping playback stops the echo.
        let echoPath: (delaySamples: Int, gain: Double)? = label.flatMap { l in
            guard let d = l.delayMs, let erl = l.erlDb else { return nil }
            return (d * 8, pow(10, -Double(erl) / 20))
        }
        var capture = try AudioFixtures.samples(echoPath == nil ? name + ".cap" : name + ".near")
        let near = capture
        var actuallyPlayed = [Int16](repeating: 0, count: capture.count)
        let pipeline = ListeningPipeline(configuration: configuration)
        try pipeline.prepare(format: rate)
        if let prompt { pipeline.startPrompt(prompt) }
        if let listen { pipeline.listen(mode: listen) }
        var run = ClipRun()
        let n = 80
        var stopped = false
        var frameIndex = 0
        var playPosition = 0  // sample index into the played track (the prompt advances only while playing)
        var capFrame = [Int16](repeating: 0, count: rate.frameSamples)
        var playFrame = [Int16](repeating: 0, count: rate.frameSamples)
        let factor = rate.sampleRate / 8000
        let empty: [Int16] = []
        while (frameIndex + 1) * n <= capture.count {
            before?(frameIndex * 10, pipeline)
            var anyPlayed = false
            if !stopped && playPosition + n <= played.count {
                for i in 0..<rate.frameSamples { playFrame[i] = played[playPosition + i / factor] }
                for i in 0..<n { actuallyPlayed[frameIndex * n + i] = played[playPosition + i] }
                anyPlayed = true
            }
            if let echoPath {
                for i in 0..<n {
                    let t = frameIndex * n + i
                    let e = t >= echoPath.delaySamples ? Double(actuallyPlayed[t - echoPath.delaySamples]) * echoPath.gain : 0
                    capture[t] = MuLaw.roundTrip(Double(near[t]) + e)
                }
            }
            for i in 0..<rate.frameSamples { capFrame[i] = capture[frameIndex * n + i / factor] }
            playPosition += n
            let ts = timestampBase &+ UInt32(frameIndex * rate.frameSamples)
            let status: PipelineStatus
            if anyPlayed {
                status = pipeline.process(captureFrame: capFrame.span, playedFrame: playFrame.span, rtpTimestamp: ts)
            } else {
                status = pipeline.process(captureFrame: capFrame.span, playedFrame: empty.span, rtpTimestamp: ts)
            }
            trace?(frameIndex * 10, status, pipeline)
            for e in pipeline.events {
                run.events.append(e)
                if case .stopPlayback = e { stopped = true }
                if case let .resumePlayback(_, from) = e {
                    stopped = false
                    playPosition = from * 8
                    run.resumes += 1
                }
            }
            frameIndex += 1
        }
        run.metrics = pipeline.echoMetrics
        return run
    }
}

func percentile(_ values: [Int], _ p: Double) -> Int {
    guard !values.isEmpty else { return -1 }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count - 1)).rounded(.up))
    return sorted[min(rank, sorted.count - 1)]
}

/// G.711 mu-law, to pass the rebuilt capture through the telephone codec like the fixtures.
enum MuLaw {
    static func roundTrip(_ x: Double) -> Int16 { decode(encode(Int16(max(-32768, min(32767, x.rounded()))))) }

    static func encode(_ sample: Int16) -> UInt8 {
        let bias = 0x84
        var s = Int(sample)
        let sign = s < 0 ? 0x80 : 0
        if s < 0 { s = -s }
        s = min(s, 32635) + bias
        var exponent = 7
        var mask = 0x4000
        while exponent > 0 && s & mask == 0 { exponent -= 1; mask >>= 1 }
        let mantissa = (s >> (exponent + 3)) & 0x0F
        return UInt8(~(sign | exponent << 4 | mantissa) & 0xFF)
    }

    static func decode(_ byte: UInt8) -> Int16 {
        let u = Int(~byte & 0xFF)
        let sign = u & 0x80
        let exponent = (u >> 4) & 0x07
        let mantissa = u & 0x0F
        let magnitude = ((mantissa << 3) + 0x84) << exponent
        return Int16(sign != 0 ? 0x84 - magnitude : magnitude - 0x84)
    }
}
