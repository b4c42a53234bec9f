import ParleyRealtime

/// When a media thread starts its send phase. The thread's timer fires `leadNs` before each
/// tick's deadline; the guard then sleeps again (clock_nanosleep, TIMER_ABSTIME) until
/// `guardNs` before the deadline and spins the rest of the way, so that packets leave close
/// to the deadline even when the kernel wakes the thread late.
///
/// The spin is bounded by what it buys. Each spin iteration is a clock read (a vDSO
/// `clock_gettime`, about 150 ns on the 2-core bench VM), and a thread that spins takes
/// the CPU from the work it is there for exactly when the machine is loaded. So:
/// - the guard only has to pull the late tail of wake-ups under `toleratedNs`: a send that
///   late is still well inside the 1 ms pacing objective. `guardNs` is the 99.5th
///   percentile of the wake-up lateness seen over the last window of ticks, plus a margin,
///   minus `toleratedNs` — 0 (no spin: straight sleep to the deadline) on a quiet machine;
/// - it never exceeds `capNs` (by default 2 % of the tick: at most 2 % of a core per media
///   thread). Lateness beyond the cap comes from a saturated CPU, where a longer spin only
///   adds to the saturation (and the wake-up itself waits for the scheduler tick);
/// - a tick with no packet to send does not spin at all (`wait(…, spin: false)`).
/// Plain value owned by its media thread; `record` and `plan` are pure (unit-tested).
struct SendGuard {
    static let bucketNs: UInt64 = 25_000
    static let bucketCount = 128           // 3.2 ms
    static let windowTicks = 250           // 5 s at 20 ms
    /// The first estimate comes sooner (the guard starts at its longest).
    static let firstWindowTicks = 50
    static let marginNs: UInt64 = 50_000
    /// Wake-up lateness accepted at the 99.5th percentile without spinning.
    static let defaultToleratedNs: UInt64 = 200_000
    /// Spin cap as a share of the tick (1/50: 2 %).
    static let capShareDivisor: UInt64 = 50

    /// How long before the deadline the thread's timer fires (room for the spin).
    let leadNs: UInt64
    /// Longest spin per tick.
    let capNs: UInt64
    let minNs: UInt64
    let toleratedNs: UInt64
    private(set) var guardNs: UInt64
    private var buckets: InlineArray<128, UInt16>
    private var samples = 0
    private var windowTicks = Self.firstWindowTicks

    /// `leadNs` 0 disables the guard. `capNs` defaults to 2 % of `tickNs`.
    init(leadNs: UInt64, tickNs: UInt64, capNs: UInt64? = nil, minNs: UInt64 = 0,
         toleratedNs: UInt64 = Self.defaultToleratedNs) {
        self.leadNs = leadNs
        self.capNs = min(leadNs, capNs ?? tickNs / Self.capShareDivisor)
        self.minNs = min(minNs, self.capNs)
        self.toleratedNs = toleratedNs
        guardNs = self.capNs
        buckets = InlineArray(repeating: 0)
    }

    var enabled: Bool { leadNs > 0 }

    /// What to do at `nowNs` for a send at `deadlineNs`: sleep until `sleepUntilNs` (0: no
    /// sleep, the wake-up came at or after it), then spin to the deadline when `spin`.
    struct Plan: Equatable {
        var sleepUntilNs: UInt64
        var spin: Bool
    }

    func plan(nowNs: UInt64, deadlineNs: UInt64, spin: Bool) -> Plan {
        let target = spin ? deadlineNs &- guardNs : deadlineNs
        return Plan(sleepUntilNs: nowNs < target ? target : 0, spin: spin && guardNs > 0)
    }

    /// Waits until `deadlineNs`: sleeps to `deadlineNs − guardNs` (when that is still ahead;
    /// to the deadline itself when `spin` is false), then spins. `timerLatenessNs` is how
    /// late the timer that started this tick fired (the estimate's sample when no second
    /// sleep was made). Returns the ns spun. No allocation, lock or log.
    mutating func wait(untilNs deadlineNs: UInt64, timerLatenessNs: UInt64, spin: Bool = true) -> UInt64 {
        let plan = plan(nowNs: Monotonic.nowNs(), deadlineNs: deadlineNs, spin: spin)
        var lateness = timerLatenessNs
        var now: UInt64 = 0
        if plan.sleepUntilNs > 0 {
            Monotonic.sleep(untilNs: plan.sleepUntilNs)
            now = Monotonic.nowNs()
            let target = plan.sleepUntilNs
            // A sleep to the deadline measures the same wake-up lateness.
            lateness = now > target ? now - target : 0
        }
        record(latenessNs: lateness)
        guard plan.spin else { return 0 }
        let spinStart = now > 0 ? now : Monotonic.nowNs()
        now = spinStart
        while now < deadlineNs { now = Monotonic.nowNs() }
        return now > spinStart ? now - spinStart : 0
    }

    /// Adds one wake-up lateness sample; at the end of a window, sets `guardNs` from it.
    mutating func record(latenessNs: UInt64) {
        let bucket = Int(min(latenessNs / Self.bucketNs, UInt64(Self.bucketCount - 1)))
        buckets[bucket] &+= 1
        samples += 1
        guard samples >= windowTicks else { return }
        windowTicks = Self.windowTicks
        // 99.5th percentile of the window (bucket upper edge) plus the margin.
        let allowed = samples / 200
        var above = 0
        var edge = Self.bucketCount - 1
        while edge > 0 && above + Int(buckets[edge]) <= allowed {
            above += Int(buckets[edge])
            edge -= 1
        }
        let quantileNs = UInt64(edge + 1) * Self.bucketNs
        let neededNs = quantileNs + Self.marginNs
        let spinNs = neededNs > toleratedNs ? neededNs - toleratedNs : 0
        guardNs = min(capNs, max(minNs, spinNs))
        for i in 0..<Self.bucketCount { buckets[i] = 0 }
        samples = 0
    }
}
