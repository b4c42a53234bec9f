import ParleyRealtime
import Synchronization

/// One media thread: a RealtimeThread ticking every `tickMs` that runs each attached
/// channel in turn. Channels join and leave through an SPSC ring of slot numbers
/// (engine → thread) and go back through another (thread → engine), so the tick never
/// locks; the slot table is preallocated. A slot's `channel` is written by the engine
/// only while the slot is free, before the `attach` that the ring publishes
/// (tryPush `.releasing` → tryPop `.acquiring`), and cleared only after the thread
/// returned it on `retired` — the contract behind `@unchecked Sendable`.
final class MediaThread: @unchecked Sendable {
    enum Control: BitwiseCopyable {
        case attach(slot: Int32)
        case detach(slot: Int32)
    }

    final class Slot: @unchecked Sendable {
        var channel: MediaChannel?
    }

    let index: Int
    /// Raised after a tick in which a channel emitted events (the control plane's pump
    /// collects them at once instead of on its next period).
    let eventSignal: WakeSignal
    let slots: [Slot]
    let control: SPSCRing<Control>
    let retired: SPSCRing<Int32>
    /// Channels attached or being attached (engine side bookkeeping for least-loaded).
    let load = Atomic<Int>(0)
    /// Ticks that found channels, and the time spent in them (for CPU per call).
    let busyNs = Atomic<UInt64>(0)
    let busyTicks = Atomic<UInt64>(0)
    /// Spent spinning up to the deadline, and the send guard in force (SendGuard).
    let spinNs = Atomic<UInt64>(0)
    let guardNs = Atomic<UInt64>(0)
    /// Per tick, the latest send behind its send slot: p99 (refreshed every 50 ticks)
    /// and max, since the thread started.
    let sendLatenessP99Ns = Atomic<UInt64>(0)
    let sendLatenessMaxNs = Atomic<UInt64>(0)
    private var thread: RealtimeThread?

    /// Whether the kernel applied the requested CPU pinning and SCHED_FIFO (nil before start).
    var schedulingStatus: RealtimeThread.SchedulingStatus? { thread?.status }

    init(index: Int, capacity: Int, eventSignal: WakeSignal) {
        self.index = index
        self.eventSignal = eventSignal
        slots = (0..<capacity).map { _ in Slot() }
        control = SPSCRing(capacity: capacity * 2 + 16)
        retired = SPSCRing(capacity: capacity + 16)
    }

    /// Starts the thread on `clock`; with a send guard of `sendGuardMaxNs` its timer fires
    /// that much before each deadline (see SendGuard; the spin itself is capped at 2 % of the tick).
    func start(clock: MediaClock, options: RealtimeThread.Options, sendGuardMaxNs: UInt64) throws(MediaError) {
        let scratch: MediaThreadScratch
        do { scratch = try MediaThreadScratch() } catch { throw MediaError(.threadStartFailed, "\(error)") }
        let runner = Runner(thread: self, scratch: scratch,
                            sendGuard: SendGuard(leadNs: sendGuardMaxNs, tickNs: clock.tickNs),
                            sendSpreadNs: clock.tickNs / 2)
        let early = MediaClock(startNs: clock.startNs &- sendGuardMaxNs, tickNs: clock.tickNs)
        do {
            thread = try RealtimeThread.start(clock: early, options: options) { tick in runner.tick(tick) }
        } catch {
            throw MediaError(.threadStartFailed, "\(error)")
        }
    }

    /// Stops the thread, closes the sockets of channels still attached and drops the
    /// thread (its tick closure refers back to this object). Control plane.
    func stop() -> RealtimeThread.Stats? {
        let stats = thread?.stop()
        thread = nil
        for slot in slots {
            slot.channel?.closeSockets()
            slot.channel = nil
        }
        return stats
    }

    var liveStats: RealtimeThread.Stats? { thread?.liveStats }

    /// The thread's own state: the active list and the scratch buffers.
    final class Runner: @unchecked Sendable {
        let thread: MediaThread
        let scratch: MediaThreadScratch
        var active: [Int32]
        /// The active channels in send order (`active[i]`'s channel at `i`), retained once
        /// from attach to detach, so the tick's calls retain nothing.
        let channels: RetainedObjectList<MediaChannel>
        var sendGuard: SendGuard
        var sendLateness = LatenessHistogram()
        /// A channel emitted events in this tick (see `signalEvents`).
        var eventsEmitted = false
        /// The send slots of a tick span at most this (half the tick).
        let sendSpreadNs: UInt64

        init(thread: MediaThread, scratch: MediaThreadScratch, sendGuard: SendGuard, sendSpreadNs: UInt64) {
            self.thread = thread
            self.scratch = scratch
            self.sendGuard = sendGuard
            self.sendSpreadNs = sendSpreadNs
            active = [Int32](repeating: -1, count: thread.slots.count)
            channels = RetainedObjectList(capacity: thread.slots.count)
        }

        func tick(_ tick: RealtimeThread.Tick) {
            let deadline = tick.deadlineNs &+ sendGuard.leadNs
            var start = Monotonic.nowNs()
            scratch.nowNs = start
            scratch.tickIndex = tick.index
            _ = thread.control.popAll { command in
                switch command {
                case .attach(let slot):
                    guard channels.count < channels.capacity, let channel = thread.slots[Int(slot)].channel else { return }
                    // Not after the deadline: the tick's packets are stamped with it (below),
                    // and the channel's timers count from here.
                    channel.attach(nowNs: min(start, deadline))
                    active[channels.count] = slot
                    channels.append(channel)
                case .detach(let slot):
                    // Order kept: the channels behind move up one send slot, not many.
                    for i in 0..<channels.count where active[i] == slot {
                        for k in i..<(channels.count - 1) { active[k] = active[k + 1] }
                        let channel = channels.remove(at: i)
                        channel.stopPrompt(reason: .closed, tellPipeline: false)
                        channel.sendRTCP(scratch, goodbye: true)
                        channel.publishStats(isFinal: true)
                        channel.emit(.closed)
                        eventsEmitted = true
                        break
                    }
                    // The engine frees the channel after this: the thread holds no reference now.
                    _ = thread.retired.tryPush(slot)
                }
            }
            guard channels.count > 0 else {
                signalEvents()
                return
            }
            if sendGuard.enabled {
                // Only a tick with a packet to send spins (with a 10 ms tick and 20 ms
                // packets, a thread whose calls send on the same ticks skips every other one).
                let spun = sendGuard.wait(untilNs: deadline, timerLatenessNs: tick.latenessNs, spin: packetDue())
                start = Monotonic.nowNs()
                // The tick's time is its deadline (now or just before): packets read in this
                // tick are stamped on the tick grid, so the thread's own wake-up lateness
                // (no longer hidden by a long spin) does not read as network jitter.
                scratch.nowNs = deadline
                // Relaxed: statistics only.
                thread.spinNs.wrappingAdd(spun, ordering: .relaxed)
                thread.guardNs.store(sendGuard.guardNs, ordering: .relaxed)
            }
            runChannels(deadline: deadline)
            signalEvents()
            // Relaxed: statistics only.
            thread.busyNs.wrappingAdd(Monotonic.nowNs() &- start, ordering: .relaxed)
            thread.busyTicks.wrappingAdd(1, ordering: .relaxed)
        }

        /// Wakes the control plane's pump when this tick emitted events (one nonblocking
        /// eventfd write per tick at most).
        private func signalEvents() {
            guard eventsEmitted else { return }
            eventsEmitted = false
            thread.eventSignal.signal()
        }

        /// Whether any active channel sends a packet this tick (its send tick, and a packet
        /// prepared or a prompt that may start in the send phase).
        private func packetDue() -> Bool {
            for i in 0..<channels.count {
                let due = channels.withObject(at: i) {
                    ($0.preparedLength > 0 || $0.mayStartPromptInSendPhase) && $0.tickCount % UInt64($0.ticksPerPacket) == 0
                }
                if due { return true }
            }
            return false
        }

        /// Each channel's packet leaves in its own send slot, `slotNs` apart from the
        /// deadline on, so its send time follows the clock and not how long the sends
        /// and work before it took. Between slots the thread runs the work of channels
        /// whose packet has gone (receive → jitter buffer → decode → pipeline → next
        /// packet); a due send always goes before more work, so a send is late by at most
        /// one channel's work. Spins only when every sent channel's work is done.
        private func runChannels(deadline: UInt64) {
            let n = channels.count
            let slotNs = min(Self.maxSlotNs, sendSpreadNs / UInt64(n))
            var sent = 0
            var worked = 0
            var worstLateNs: UInt64 = 0
            while worked < n {
                if sent < n {
                    let due = deadline &+ UInt64(sent) &* slotNs
                    let now = Monotonic.nowNs()
                    if now >= due {
                        channels.withObject(at: sent) { $0.sendPhase(scratch) }
                        worstLateNs = max(worstLateNs, now - due)
                        sent += 1
                        continue
                    }
                    if worked == sent { continue }   // nothing to do before the next slot
                }
                // The channel's send phase ran before its work: this sees the events of both.
                channels.withObject(at: worked) { channel in
                    channel.tick(scratch)
                    if channel.emittedEvents {
                        channel.emittedEvents = false
                        eventsEmitted = true
                    }
                }
                worked += 1
            }
            recordSendLateness(worstLateNs)
        }

        /// Longest spacing between two channels' send slots (about one loopback send and
        /// one channel's work without the pipeline, measured on the 2-core bench machine).
        static let maxSlotNs: UInt64 = 10_000

        private func recordSendLateness(_ late: UInt64) {
            sendLateness.record(late)
            // Relaxed: statistics only.
            if late > thread.sendLatenessMaxNs.load(ordering: .relaxed) { thread.sendLatenessMaxNs.store(late, ordering: .relaxed) }
            if sendLateness.sampleCount % 50 == 0 {
                thread.sendLatenessP99Ns.store(sendLateness.quantileNs(0.99), ordering: .relaxed)
            }
        }
    }
}
