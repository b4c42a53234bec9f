import ParleyRealtime
import Synchronization

/// The simulator's one RTP pacing thread: a `RealtimeThread` on a 20 ms media clock that
/// ticks every attached caller stream in turn. Streams join and leave through SPSC rings
/// of slot numbers (loop → pacer `control`, pacer → loop `retired`), so the tick never
/// locks; the slot table is preallocated for the run's concurrency.
///
/// A call takes its slot when it starts (`reserve`), attaches its stream to it once
/// answered, and the slot is free again only when the pacer let the stream go (`detach`,
/// then `reclaim`: a pacer tick and a loop tick later) or, for a call that never
/// attached, at once (`release`). So a call that could start always has a slot for its
/// answer, and no call holds one the pacer still ticks.
///
/// A slot's `stream` is written by the loop only while the slot is free, before the
/// `attach` that the ring publishes (`tryPush` `.releasing` → `tryPop` `.acquiring`), and
/// cleared only after the pacer returned it on `retired`: the contract behind
/// `@unchecked Sendable`.
final class SimPacer: @unchecked Sendable {
    enum Control: BitwiseCopyable {
        case attach(slot: Int32)
        case detach(slot: Int32)
    }

    final class Slot: @unchecked Sendable {
        var stream: SimMediaStream?
    }

    let slots: [Slot]
    let control: SPSCRing<Control>
    let retired: SPSCRing<Int32>
    /// Loop side: free slot numbers.
    var free: [Int32]
    private var thread: RealtimeThread?
    /// Time spent in ticks that had streams (ns, relaxed: statistics).
    let busyNs = Atomic<UInt64>(0)

    init(capacity: Int) {
        slots = (0..<capacity).map { _ in Slot() }
        control = SPSCRing(capacity: capacity * 2 + 16)
        retired = SPSCRing(capacity: capacity + 16)
        free = (0..<Int32(capacity)).reversed()
    }

    /// SCHED_FIFO when the system allows it (else normal scheduling: `status` says which),
    /// so a loaded machine delays the caller's packets less.
    func start() throws(RealtimeError) {
        let runner = Runner(pacer: self)
        thread = try RealtimeThread.start(clock: MediaClock(tickMs: SimMediaStream.ptimeMs),
                                          options: RealtimeThread.Options(name: "parley-sim-rtp", fifoPriority: 10)) { tick in
            runner.tick(tick)
        }
    }

    /// Stops the thread and returns its tick statistics (the pacing floor of the caller's
    /// own streams).
    func stop() -> RealtimeThread.Stats? {
        let stats = thread?.stop()
        thread = nil
        for slot in slots { slot.stream = nil }
        return stats
    }

    var liveStats: RealtimeThread.Stats? { thread?.liveStats }

    /// Loop side: takes a free slot for a call about to start; nil when every slot is
    /// held (by a call, or by a stream the pacer has not let go of yet).
    func reserve() -> Int32? {
        free.popLast()
    }

    /// Loop side: gives back a reserved slot that never had a stream attached.
    func release(_ slot: Int32) {
        free.append(slot)
    }

    /// Loop side: starts ticking `stream` in `slot` (reserved); false if the control ring
    /// was full (it holds an attach and a detach for every slot, so it is not), and the
    /// slot stays reserved.
    func attach(_ stream: SimMediaStream, slot: Int32) -> Bool {
        slots[Int(slot)].stream = stream
        guard control.tryPush(.attach(slot: slot)) else {
            slots[Int(slot)].stream = nil
            return false
        }
        return true
    }

    /// Loop side: asks the pacer to drop `slot`; it comes back through `reclaim`.
    func detach(_ slot: Int32) {
        _ = control.tryPush(.detach(slot: slot))
    }

    /// Loop side: slots the pacer let go of; calls `body` with each stream before freeing.
    func reclaim(_ body: (SimMediaStream) -> Void) {
        _ = retired.popAll { slot in
            if let stream = slots[Int(slot)].stream { body(stream) }
            slots[Int(slot)].stream = nil
            free.append(slot)
        }
    }

    /// The pacing thread's own state: the active list.
    final class Runner: @unchecked Sendable {
        let pacer: SimPacer
        var active: [Int32]
        var activeCount = 0

        init(pacer: SimPacer) {
            self.pacer = pacer
            active = [Int32](repeating: -1, count: pacer.slots.count)
        }

        func tick(_ tick: RealtimeThread.Tick) {
            let start = Monotonic.nowNs()
            _ = pacer.control.popAll { command in
                switch command {
                case .attach(let slot):
                    guard activeCount < active.count else { return }
                    active[activeCount] = slot
                    activeCount += 1
                case .detach(let slot):
                    for i in 0..<activeCount where active[i] == slot {
                        active[i] = active[activeCount - 1]
                        activeCount -= 1
                        break
                    }
                    _ = pacer.retired.tryPush(slot)
                }
            }
            guard activeCount > 0 else { return }
            for i in 0..<activeCount {
                pacer.slots[Int(active[i])].stream?.tick(nowNs: tick.deadlineNs)
            }
            // Relaxed: statistics only.
            pacer.busyNs.wrappingAdd(Monotonic.nowNs() &- start, ordering: .relaxed)
        }
    }
}
