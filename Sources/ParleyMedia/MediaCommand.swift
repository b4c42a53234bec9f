/// How a prompt may be interrupted, as a plain value that crosses to the media thread
/// (mirrors `BargeInPolicy`; minimums below 0 mean "not used").
public enum BargeInMode: Sendable, Equatable, BitwiseCopyable {
    case off
    case immediate
    case confirmed(minSpeechMs: Int32, minWords: Int32)
}

/// A command from the control plane to one channel's media thread. Small and
/// `BitwiseCopyable`: it travels through an SPSC ring and owns nothing.
public enum MediaCommand: Sendable, Equatable, BitwiseCopyable {
    /// Appends a prompt (an index into the channel's `PromptTable`) to the playback queue.
    /// `startMs`: offset into the prompt; `replace`: drop whatever is queued or playing first.
    case play(prompt: UInt16, bargeIn: BargeInMode, startMs: Int32, replace: Bool)
    /// Stops playback now and clears the queue (reports `promptStopped`).
    case stop
    /// Pauses playback at the current sample offset (reports `promptPaused`).
    case pause
    /// Resumes a paused prompt from where it stopped.
    case resume
    /// Mutes (true) or unmutes the outgoing audio: silence is sent in place of the prompt.
    case mute(Bool)
    /// Sends one RFC 4733 event (0–15) lasting `durationMs`.
    case sendDTMF(event: UInt8, durationMs: Int32)
    /// Listen for the caller's turn (arms the pipeline's no-input timer).
    case listen
    /// From the recognizer: meaningful words heard so far in the current utterance
    /// (`PartialHint.meaningfulWordCount`) and whether the partial sounds complete.
    case recognizerPartial(words: Int32, hint: PartialHintCode)
    /// From the recognizer: the utterance is final.
    case recognizerFinal
    /// Publishes a statistics snapshot (reported as `statsReady`).
    case requestStats
}

/// `PartialHint` as a plain value for the command ring.
public enum PartialHintCode: Sendable, Equatable, BitwiseCopyable {
    case complete, incomplete, digits
}
