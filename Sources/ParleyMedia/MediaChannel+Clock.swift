import ParleyRTP
import ParleyRealtime

extension MediaChannel {
    /// Start of every tick, before this channel's send: keeps the send timeline on the
    /// media clock. When the thread skipped deadlines (it woke too late for them), RFC 3550
    /// §5.1 wants the RTP timestamp to advance over them, so the next packet is stamped
    /// with its real send time; the prompt goes on where it was (delayed, not cut).
    ///
    /// Only the RTP timestamps move. `tickCount` — the pipeline's sample time for the
    /// caller audio, the echo reference and the recognizer ring, and `nowMs` — keeps
    /// counting the ticks that ran: the audio of those ticks is contiguous (one jitter
    /// buffer frame and one played packet per packet slot), so the pipeline sees no hole.
    ///
    /// `tickIndex` is the media clock's tick (RealtimeThread.Tick.index). The first tick
    /// after attach only records it: ticks missed before the channel joined are not its.
    /// No allocation, lock, log or await.
    func followClock(tickIndex: UInt64) {
        defer {
            clockTick = tickIndex
            clockTickKnown = true
        }
        guard clockTickKnown, tickIndex > clockTick &+ 1 else { return }
        let missed = tickIndex &- clockTick &- 1
        missedClockTicks &+= missed
        let shift = UInt32(truncatingIfNeeded: missed &* UInt64(rtpSamplesPerTick))
        // A packet prepared before the gap leaves now: restamp it. An RFC 4733 event keeps its
        // timestamp, the event's start (§2.5.1.2).
        if preparedLength >= RTPHeader.fixedSize && !preparedIsEvent {
            withMutableSpan(&prepared) { RTPHeader.advanceTimestamp(by: shift, inPacket: &$0) }
            queue.lastTimestamp &+= shift
        }
        if case let .promptStarted(prompt, stamp, atMs)? = preparedStart {
            queue.firstTimestamp &+= shift
            preparedStart = .promptStarted(prompt: prompt, rtpTimestamp: stamp &+ shift, atMs: atMs)
        }
        if case let .promptFinished(prompt, frames, stamp, atMs)? = preparedFinish {
            preparedFinish = .promptFinished(prompt: prompt, frames: frames, lastRTPTimestamp: stamp &+ shift, atMs: atMs)
        }
    }
}
