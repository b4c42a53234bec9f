/// Why playback of a prompt ended early.
public enum PromptStopReason: Sendable, Equatable, BitwiseCopyable {
    case command
    case bargeIn
    case replaced
    case closed
}

/// Where DTMF came from.
public enum DTMFSource: Sendable, Equatable, BitwiseCopyable {
    /// RFC 4733 telephone-event packets.
    case rtpEvent
    /// In-band tones found by the listening pipeline.
    case inBand
}

/// An event from a channel's media thread to the control plane. Times named `…Ms` are
/// ms of the channel's media time (since its first tick); RTP timestamps are in the
/// outgoing stream's clock, so they match the packets the peer received.
public enum MediaEvent: Sendable, Equatable, BitwiseCopyable {
    /// One DTMF digit (event code 0–16), reported once per key press.
    case dtmf(event: UInt8, source: DTMFSource, atMs: Int64)
    /// The first frame of a prompt went out with this RTP timestamp.
    case promptStarted(prompt: UInt16, rtpTimestamp: UInt32, atMs: Int64)
    /// The prompt ran to its end: `frames` packets sent, the last at `lastRTPTimestamp`.
    case promptFinished(prompt: UInt16, frames: Int32, lastRTPTimestamp: UInt32, atMs: Int64)
    /// The prompt was stopped at `offsetSamples` (samples at the prompt's rate).
    case promptStopped(prompt: UInt16, offsetSamples: Int32, reason: PromptStopReason, atMs: Int64)
    case promptPaused(prompt: UInt16, offsetSamples: Int32, atMs: Int64)
    case promptResumed(prompt: UInt16, offsetSamples: Int32, atMs: Int64)
    /// Barge-in: playback was stopped in the same tick. Pipeline ms (onset, decision)
    /// and the prompt position that was playing.
    case bargeIn(onsetMs: Int32, atMs: Int32, positionMs: Int32)
    /// The barge-in turned out false: playback resumed from `fromPositionMs`.
    case falseBargeIn(atMs: Int32, fromPositionMs: Int32)
    case speechStarted(onsetMs: Int32, atMs: Int32)
    case speechStopped(endMs: Int32, atMs: Int32)
    case endOfTurn(atMs: Int32, speechEndMs: Int32)
    case noInput(atMs: Int32)
    /// No RTP for the configured time.
    case mediaTimeout(silentMs: Int64)
    /// The stream latched to a source (symmetric RTP); its SSRC.
    case latched(ssrc: UInt32)
    /// A statistics snapshot is ready (`MediaChannelHandle.latestStats`).
    case statsReady
    /// The channel left its media thread; nothing follows.
    case closed
}
