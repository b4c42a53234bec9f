import Foundation
import ParleyCodecs
import ParleyMedia
import Synchronization

/// A call's stereo recording (caller left, bot right) at the pipeline rate, assembled on
/// the control plane: the caller side from the recognizer frames (after echo
/// cancellation: what the bot heard), the bot side from the prompt table at the media
/// times the channel reported (`promptStarted`, cut at `promptStopped`). Written once
/// when the call ends. At most `maxSeconds` are kept.
final class CallRecorder: Sendable {
    struct State {
        var caller: [Int16] = []
        var bot: [Int16] = []
        /// The bot's current prompt: where it was placed and how long it runs.
        var playing: (start: Int, end: Int)?
    }

    let sampleRateHz: Int
    let maxSamples: Int
    let prompts: PromptTable
    private let state = Mutex(State())

    init(sampleRateHz: Int, prompts: PromptTable, maxSeconds: Int = 3600) {
        self.sampleRateHz = sampleRateHz
        self.prompts = prompts
        self.maxSamples = maxSeconds * sampleRateHz
    }

    /// A frame of caller audio (pump thread).
    func caller(_ frame: RecognizerFrame) {
        let start = Int(frame.sampleTime)
        let count = Int(frame.sampleCount)
        guard start >= 0, start + count <= maxSamples else { return }
        state.withLock { s in
            if s.caller.count < start + count { s.caller.append(contentsOf: repeatElement(0, count: start + count - s.caller.count)) }
            for i in 0..<count { s.caller[start + i] = frame.samples[i] }
        }
    }

    /// A prompt started (or resumed at `offsetSamples`) at media time `atMs`.
    func promptStarted(_ prompt: UInt16, atMs: Int64, offsetSamples: Int = 0) {
        guard Int(prompt) < prompts.count else { return }
        let samples = prompts.entries[Int(prompt)].samples
        let start = Int(atMs) * sampleRateHz / 1000
        let count = min(max(0, samples.count - offsetSamples), maxSamples - start)
        guard start >= 0, count > 0 else { return }
        state.withLock { s in
            if s.bot.count < start + count { s.bot.append(contentsOf: repeatElement(0, count: start + count - s.bot.count)) }
            for i in 0..<count { s.bot[start + i] = samples[offsetSamples + i] }
            s.playing = (start, start + count)
        }
    }

    /// The prompt playing was stopped at media time `atMs`: the rest was never sent.
    func promptStopped(atMs: Int64) {
        let cut = Int(atMs) * sampleRateHz / 1000
        state.withLock { s in
            guard let playing = s.playing, cut < playing.end else { return }
            for i in max(cut, playing.start)..<min(playing.end, s.bot.count) { s.bot[i] = 0 }
            s.playing = nil
        }
    }

    /// Writes the recording; returns the file's path.
    func write(directory: String, name: String, format: RecordingFormat) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (caller, bot) = state.withLock { ($0.caller, $0.bot) }
        let frames = max(caller.count, bot.count)
        var interleaved = [Int16](repeating: 0, count: frames * 2)
        for i in 0..<caller.count { interleaved[2 * i] = caller[i] }
        for i in 0..<bot.count { interleaved[2 * i + 1] = bot[i] }
        let path = (directory as NSString).appendingPathComponent(name + "." + format.rawValue)
        try AudioFileWriter.write(interleaved, channelCount: 2, sampleRateHz: sampleRateHz,
                                  container: format == .flac ? .flac : .wav, to: path)
        return path
    }
}
