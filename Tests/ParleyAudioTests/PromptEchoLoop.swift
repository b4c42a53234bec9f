import Foundation
import ParleyAudio
import ParleyCodecs

/// A closed echo loop over the demo's prompt recordings, the way a call plays them: each
/// file of a prompt is its own playback (its own `PromptPlan`), the files back to back with
/// no gap, the next file's plan handed over with the packet its first sample goes out in
/// (`continuePrompt`), as the media engine does; what was actually played comes back after `delayMs` at −`erlDb` through G.711
/// μ-law twice (the bot's encoder, then the caller's), with optional babble noise, and
/// optionally the caller's own recording mixed in from `nearAtMs`. Stopping playback stops
/// the echo. 8 kHz, 10 ms frames.
struct PromptEchoLoop {
    struct File {
        var samples: [Int16]
        var policy: BargeInPolicy
    }

    struct Outcome {
        /// (ms of the loop, file index, position in the file) of every stop.
        var stops: [(atMs: Int, file: Int, positionMs: Int)] = []
        var resumes = 0
        var falseBargeIns = 0
        /// In-band DTMF digits detected.
        var digits: [Character] = []
        var statuses: [PipelineStatus] = []
        var lengthMs = 0
    }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let prompts = repo + "/examples/demo/prompts/"

    static func load(_ file: String) throws -> [Int16] {
        try PromptLoader(sampleRateHz: 8_000).load(path: prompts + file).samples
    }

    var files: [File]
    var delayMs: Int
    var erlDb: Double
    /// Babble at this SNR against a −23 dBFS talker (nil: none).
    var babbleSnrDb: Double?
    var near: [Int16] = []
    var nearAtMs = 0
    /// Silence before the first file and after the last (ms).
    var leadMs = 200
    /// The bot's packet length: the media engine prepares a packet ahead and tells the
    /// pipeline about the next file (or the prompt's end) when it prepares the packet where
    /// the file before runs out (default: every frame).
    var packetMs = AudioFormat.frameMs
    var tailMs = 1_500
    /// Extra delay added to the echo path from this ms on (a jitter buffer growing mid-call).
    var delayStep: (atMs: Int, extraMs: Int)?
    /// The line returns no echo before this ms (a caller switching to speakerphone mid-call).
    var echoFromMs = 0
    /// A capture frame of digital silence at this ms (a lost packet the jitter buffer could
    /// not fill), usually with a `delayStep` at the same time.
    var silentFrameAtMs: Int?
    var configuration = ListeningConfiguration(echo: EchoCanceller.Configuration(noiseSuppression: false))
    var seed: UInt64 = 3

    func run(keepStatuses: Bool = false, trace: ((Int, PipelineStatus, ListeningPipeline) -> Void)? = nil) throws -> Outcome {
        let n = 80
        let pipeline = ListeningPipeline(configuration: configuration)
        try pipeline.prepare(format: .narrowband)
        let total = leadMs * 8 + files.map(\.samples.count).reduce(0, +) + tailMs * 8 + 4 * delayMs * 8
        var played = [Int16](repeating: 0, count: total + n)
        var noise = Babble(seed: seed)
        let noiseRms = babbleSnrDb.map { 2_300 / pow(10, $0 / 20) } ?? 0
        var outcome = Outcome()
        var fileIndex = -1
        var cursor = 0
        var stopped = false
        var started = false
        var announced = 0
        var capture = [Int16](repeating: 0, count: n)
        var playFrame = [Int16](repeating: 0, count: n)
        let empty: [Int16] = []
        let gain = pow(10, -erlDb / 20)
        var frame = 0
        while frame * n + n <= total {
            let t0 = frame * n
            let ms = frame * 10
            // A packet is prepared: the first file at the lead's end; the next file's plan
            // with the packet where the one before runs out; the prompt's end with the
            // packet after the last one's last samples.
            if !stopped, ms >= leadMs, ms % packetMs == 0 {
                if fileIndex < 0, !files.isEmpty {
                    fileIndex = 0
                    cursor = 0
                    pipeline.startPrompt(try Self.plan(files[0]))
                    started = true
                } else if fileIndex >= files.count, started {
                    pipeline.finishPrompt()
                    started = false
                }
                if fileIndex >= 0, fileIndex < files.count, files[fileIndex].samples.count - cursor <= packetMs * 8,
                   fileIndex + 1 < files.count, announced <= fileIndex {
                    pipeline.continuePrompt(with: try Self.plan(files[fileIndex + 1]))
                    announced = fileIndex + 1
                }
            }
            var playing = false
            if !stopped, fileIndex >= 0, fileIndex < files.count {
                for i in 0..<n {
                    // The files back to back, sample after sample.
                    while fileIndex < files.count, cursor >= files[fileIndex].samples.count {
                        fileIndex += 1
                        cursor = 0
                    }
                    let v = fileIndex < files.count ? files[fileIndex].samples[cursor] : 0
                    cursor += 1
                    // What the caller receives went through the bot's encoder.
                    playFrame[i] = v
                    played[t0 + i] = MuLaw.roundTrip(Double(v))
                }
                if fileIndex < files.count, cursor >= files[fileIndex].samples.count { fileIndex += 1 ; cursor = 0 }
                playing = true
            }
            var delay = delayMs * 8
            if let step = delayStep, ms >= step.atMs { delay += step.extraMs * 8 }
            for i in 0..<n {
                let t = t0 + i
                var v = t >= delay && t >= echoFromMs * 8 ? Double(played[t - delay]) * gain : 0
                if noiseRms > 0 { v += noiseRms * noise.next() }
                let k = t - nearAtMs * 8
                if k >= 0, k < near.count { v += Double(near[k]) }
                capture[i] = ms == silentFrameAtMs ? 0 : MuLaw.roundTrip(v)
            }
            let ts = UInt32(truncatingIfNeeded: t0)
            let status = playing
                ? pipeline.process(captureFrame: capture.span, playedFrame: playFrame.span, rtpTimestamp: ts)
                : pipeline.process(captureFrame: capture.span, playedFrame: empty.span, rtpTimestamp: ts)
            if keepStatuses { outcome.statuses.append(status) }
            trace?(ms, status, pipeline)
            for e in pipeline.events {
                switch e {
                case let .stopPlayback(_, positionMs):
                    stopped = true
                    outcome.stops.append((ms, fileIndex, positionMs))
                case let .resumePlayback(_, from):
                    stopped = false
                    cursor = from * 8
                    announced = fileIndex
                    outcome.resumes += 1
                case .bargeIn(.falseBargeIn):
                    outcome.falseBargeIns += 1
                case let .dtmfStarted(digit, _):
                    outcome.digits.append(digit)
                default:
                    break
                }
            }
            frame += 1
        }
        outcome.lengthMs = frame * 10
        return outcome
    }

    static func plan(_ file: File) throws -> PromptPlan {
        try PromptPlan(lengthMs: file.samples.count / 8, policy: file.policy)
    }
}

/// Six speech-shaped, slowly modulated noise sources (the simulator's babble), unit RMS.
struct Babble {
    var state: UInt64
    var talkers = [Double](repeating: 0, count: 6)
    var envelope = [Double](repeating: 0.5, count: 6)
    var target = [Double](repeating: 0.5, count: 6)

    var scale = 1.0

    init(seed: UInt64) {
        state = seed
        var probe = self
        var sum = 0.0
        for _ in 0..<80_000 { let v = probe.next(); sum += v * v }
        scale = 1 / (sum / 80_000).squareRoot()
    }

    mutating func random() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(random() >> 11) * 0x1.0p-53 }

    mutating func next() -> Double {
        var sum = 0.0
        for t in 0..<6 {
            let g = (unit() + unit() + unit() + unit() - 2) * 1.732_050_8
            talkers[t] = 0.85 * talkers[t] + 0.15 * g
            if random() % 1_600 == 0 { target[t] = unit() }
            envelope[t] += (target[t] - envelope[t]) * 0.002
            sum += talkers[t] * envelope[t]
        }
        return sum * scale
    }
}
