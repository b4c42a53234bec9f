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
        // A packet prepared before the gap leaves now: restamp it (RTP header bytes 4–7,
        // network order). An RFC 4733 event keeps its timestamp, the event's start (§2.5.1.2).
        if preparedLength >= RTPHeader.fixedSize && !preparedIsEvent {
            withMutableSpan(&prepared) { packet in
                var stamp = UInt32(packet[4]) << 24 | UInt32(packet[5]) << 16 | UInt32(packet[6]) << 8 | UInt32(packet[7])
                stamp &+= shift
                packet[4] = UInt8(truncatingIfNeeded: stamp >> 24)
                packet[5] = UInt8(truncatingIfNeeded: stamp >> 16)
                packet[6] = UInt8(truncatingIfNeeded: stamp >> 8)
                packet[7] = UInt8(truncatingIfNeeded: stamp)
            }
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
