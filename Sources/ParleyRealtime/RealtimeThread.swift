// RealtimeThread — a dedicated pthread that runs a tick body on the absolute
// deadlines of a MediaClock (clock_nanosleep TIMER_ABSTIME: no drift), measures its
// own wake-up lateness, and can be pinned to a CPU and given SCHED_FIFO when the
// system permits (falling back to normal scheduling and saying so in `status`).
//
// Safety invariants:
// - The context object is retained once for the thread (`Unmanaged.passRetained`)
//   and released by the thread when its loop ends; `stop()` joins before reading
//   anything the thread wrote without atomics (the histogram), and pthread_join is
//   the happens-before edge for that read.
// - The tick body is `sending`: it is owned by the realtime thread alone.
// - Shared counters are atomics; the stop flag pairs `stop.store(.releasing)` in
//   `requestStop()` with `stop.load(.acquiring)` in the loop.
import CParleyLinux
import Dispatch
import Synchronization

public final class RealtimeThread: @unchecked Sendable {
    public struct Options: Sendable {
        /// Thread name (15 bytes kept), visible in `top -H`, `ps -L`.
        public var name: String
        /// CPU to pin the thread to, or nil.
        public var cpu: Int?
        /// SCHED_FIFO priority (1...99), or nil for normal scheduling.
        public var fifoPriority: Int32?
        /// Timer slack for the thread's sleeps (Linux default 50 µs); nil keeps the default.
        public var timerSlackNs: UInt64?

        public init(name: String = "parley-rt", cpu: Int? = nil, fifoPriority: Int32? = nil,
                    timerSlackNs: UInt64? = 1_000) {
            self.name = name
            self.cpu = cpu
            self.fifoPriority = fifoPriority
            self.timerSlackNs = timerSlackNs
        }
    }

    public enum SettingOutcome: Sendable, Equatable {
        case notRequested
        case applied
        /// The kernel refused (e.g. EPERM without CAP_SYS_NICE); the thread runs anyway.
        case refused(errno: Int32)
    }

    public struct SchedulingStatus: Sendable, Equatable {
        public var affinity: SettingOutcome
        public var fifo: SettingOutcome
    }

    /// What the body is told on every tick.
    public struct Tick: Sendable, Equatable {
        public let index: UInt64
        public let deadlineNs: UInt64
        /// Wake-up time minus deadline (0 when early).
        public let latenessNs: UInt64
    }

    public struct Stats: Sendable, Equatable {
        public var ticks: UInt64
        /// Deadlines skipped because a previous tick overran past them.
        public var missedTicks: UInt64
        public var maxLatenessNs: UInt64
        /// From a 10 µs-bucket histogram (bucket upper edge); live values are
        /// refreshed every 50 ticks, the value returned by `stop()` is exact to the bucket.
        public var p99LatenessNs: UInt64
        public var meanLatenessNs: UInt64
    }

    private let context: Context
    private let handle: UInt64
    public let status: SchedulingStatus
    private let joined = Locked<Stats?>(nil)

    /// Starts the thread. Ticks begin at the first deadline of `clock` that is not in
    /// the past. Setup only (allocates, waits for the thread to report its status).
    public static func start(
        clock: MediaClock,
        options: Options = Options(),
        body: sending @escaping (Tick) -> Void
    ) throws(RealtimeError) -> RealtimeThread {
        let context = Context(clock: clock, options: options, body: body)
        let unmanaged = Unmanaged.passRetained(context)
        var handle: UInt64 = 0
        let rc = parley_linux_thread_start(realtimeThreadEntry, unmanaged.toOpaque(), &handle)
        if rc != 0 {
            unmanaged.release()
            throw RealtimeError(.threadStart, errno: rc, context: options.name)
        }
        context.started.wait()
        return RealtimeThread(context: context, handle: handle)
    }

    private init(context: Context, handle: UInt64) {
        self.context = context
        self.handle = handle
        self.status = context.status
    }

    /// Asks the loop to end after the current tick. Any thread, including the body.
    public func requestStop() {
        context.stop.store(true, ordering: .releasing)
    }

    /// Stops the loop, joins the thread and returns its final statistics. Idempotent.
    /// Called from the body itself it only requests the stop (a thread cannot join
    /// itself) and returns the live statistics.
    @discardableResult
    public func stop() -> Stats {
        if parley_linux_thread_self() == handle {
            requestStop()
            return liveStats
        }
        return joined.withLock { final in
            if let final { return final }
            requestStop()
            _ = parley_linux_thread_join(handle)
            let stats = context.finalStats()
            final = stats
            return stats
        }
    }

    /// Statistics while running (atomics; p99 refreshed every 50 ticks). Any thread.
    public var liveStats: Stats {
        // Relaxed: independent statistics, no memory published through them.
        Stats(ticks: context.ticks.load(ordering: .relaxed),
              missedTicks: context.missed.load(ordering: .relaxed),
              maxLatenessNs: context.maxLateness.load(ordering: .relaxed),
              p99LatenessNs: context.p99Lateness.load(ordering: .relaxed),
              meanLatenessNs: context.meanLateness.load(ordering: .relaxed))
    }

    deinit { stop() }

    // MARK: thread side

    final class Context: @unchecked Sendable {
        let clock: MediaClock
        let options: Options
        let body: (Tick) -> Void
        let stop = Atomic<Bool>(false)
        let ticks = Atomic<UInt64>(0)
        let missed = Atomic<UInt64>(0)
        let maxLateness = Atomic<UInt64>(0)
        let p99Lateness = Atomic<UInt64>(0)
        let meanLateness = Atomic<UInt64>(0)
        let started = DispatchSemaphore(value: 0)
        /// Written by the thread before `started.signal()`, read after `wait()`.
        var status = SchedulingStatus(affinity: .notRequested, fifo: .notRequested)
        /// Owned by the thread until joined.
        var histogram = LatenessHistogram()

        init(clock: MediaClock, options: Options, body: sending @escaping (Tick) -> Void) {
            self.clock = clock
            self.options = options
            self.body = body
        }

        func finalStats() -> Stats {
            Stats(ticks: histogram.sampleCount, missedTicks: missed.load(ordering: .relaxed),
                  maxLatenessNs: histogram.maxNs, p99LatenessNs: histogram.quantileNs(0.99),
                  meanLatenessNs: histogram.meanNs)
        }

        func applySettings() {
            _ = options.name.withCString { parley_linux_thread_set_name($0) }
            if let slack = options.timerSlackNs { _ = parley_linux_thread_set_timer_slack_ns(slack) }
            if let cpu = options.cpu {
                let rc = parley_linux_thread_set_affinity(Int32(truncatingIfNeeded: cpu))
                status.affinity = rc == 0 ? .applied : .refused(errno: rc)
            }
            if let priority = options.fifoPriority {
                let rc = parley_linux_thread_set_fifo(priority)
                status.fifo = rc == 0 ? .applied : .refused(errno: rc)
            }
        }

        func run() {
            applySettings()
            started.signal()
            var n = clock.nextTick(afterNs: Monotonic.nowNs() &- 1)
            var skipped: UInt64 = 0
            // Relaxed/acquire pairs: see the file header.
            while !stop.load(ordering: .acquiring) {
                let deadline = clock.deadlineNs(ofTick: n)
                Monotonic.sleep(untilNs: deadline)
                // Deadlines jumped over are counted once the tick after them runs, so
                // ticks + missed always spans first...last tick index.
                if skipped > 0 {
                    missed.wrappingAdd(skipped, ordering: .relaxed)
                    skipped = 0
                }
                let woke = Monotonic.nowNs()
                let lateness = woke > deadline ? woke - deadline : 0
                histogram.record(lateness)
                let count = ticks.wrappingAdd(1, ordering: .relaxed).newValue
                if lateness > maxLateness.load(ordering: .relaxed) {
                    maxLateness.store(lateness, ordering: .relaxed)
                }
                if count % 50 == 0 {
                    p99Lateness.store(histogram.quantileNs(0.99), ordering: .relaxed)
                    meanLateness.store(histogram.meanNs, ordering: .relaxed)
                }
                body(Tick(index: n, deadlineNs: deadline, latenessNs: lateness))
                // The most recent deadline already passed becomes the next tick; any
                // deadlines between it and n + 1 are skipped and counted as missed.
                let due = clock.tick(atNs: Monotonic.nowNs())
                if due > n + 1 {
                    skipped = due - n - 1
                    n = due
                } else {
                    n += 1
                }
            }
        }
    }
}

private func realtimeThreadEntry(_ raw: UnsafeMutableRawPointer?) {
    guard let raw else { return }
    let context = Unmanaged<RealtimeThread.Context>.fromOpaque(raw).takeRetainedValue()
    context.run()
}
