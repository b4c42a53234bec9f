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
    let slots: [Slot]
    let control: SPSCRing<Control>
    let retired: SPSCRing<Int32>
    /// Channels attached or being attached (engine side bookkeeping for least-loaded).
    let load = Atomic<Int>(0)
    /// Ticks that found channels, and the time spent in them (for CPU per call).
    let busyNs = Atomic<UInt64>(0)
    let busyTicks = Atomic<UInt64>(0)
    private var thread: RealtimeThread?

    init(index: Int, capacity: Int) {
        self.index = index
        slots = (0..<capacity).map { _ in Slot() }
        control = SPSCRing(capacity: capacity * 2 + 16)
        retired = SPSCRing(capacity: capacity + 16)
    }

    func start(clock: MediaClock, options: RealtimeThread.Options) throws(MediaError) {
        let scratch: MediaThreadScratch
        do { scratch = try MediaThreadScratch() } catch { throw MediaError(.threadStartFailed, "\(error)") }
        let runner = Runner(thread: self, scratch: scratch)
        do {
            thread = try RealtimeThread.start(clock: clock, options: options) { tick in runner.tick(tick) }
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
        var activeCount = 0

        init(thread: MediaThread, scratch: MediaThreadScratch) {
            self.thread = thread
            self.scratch = scratch
            active = [Int32](repeating: -1, count: thread.slots.count)
        }

        func tick(_ tick: RealtimeThread.Tick) {
            let start = Monotonic.nowNs()
            scratch.nowNs = start
            _ = thread.control.popAll { command in
                switch command {
                case .attach(let slot):
                    guard activeCount < active.count, let channel = thread.slots[Int(slot)].channel else { return }
                    channel.attach(nowNs: start)
                    active[activeCount] = slot
                    activeCount += 1
                case .detach(let slot):
                    for i in 0..<activeCount where active[i] == slot {
                        active[i] = active[activeCount - 1]
                        activeCount -= 1
                        if let channel = thread.slots[Int(slot)].channel {
                            channel.stopPrompt(reason: .closed, tellPipeline: false)
                            channel.publishStats()
                            channel.emit(.closed)
                        }
                        break
                    }
                    _ = thread.retired.tryPush(slot)
                }
            }
            guard activeCount > 0 else { return }
            // Sends first, for every channel, then the rest of the work.
            for i in 0..<activeCount {
                thread.slots[Int(active[i])].channel?.sendPhase()
            }
            for i in 0..<activeCount {
                thread.slots[Int(active[i])].channel?.tick(scratch)
            }
            // Relaxed: statistics only.
            thread.busyNs.wrappingAdd(Monotonic.nowNs() &- start, ordering: .relaxed)
            thread.busyTicks.wrappingAdd(1, ordering: .relaxed)
        }
    }
}
