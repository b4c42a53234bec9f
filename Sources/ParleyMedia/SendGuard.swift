import ParleyRealtime

/// When a media thread starts its send phase. The thread's timer fires `maxNs` before
/// each tick's deadline; the guard then sleeps again until `guardNs` before the deadline
/// and spins the rest of the way, so packets leave on the deadline even when the kernel
/// wakes the thread late (a non-preemptible kernel section of another task, a busy
/// CPU). `guardNs` follows the wake-up lateness seen recently: the 99.5th percentile of
/// the last window of ticks plus a margin, within [minNs, maxNs] — short spins on a
/// quiet machine, longer ones on a loaded one. Plain value owned by its media thread.
struct SendGuard {
    static let bucketNs: UInt64 = 25_000
    static let bucketCount = 128           // 3.2 ms
    static let windowTicks = 250           // 5 s at 20 ms
    /// The first estimate comes sooner (the guard starts at its longest).
    static let firstWindowTicks = 50
    static let marginNs: UInt64 = 50_000

    let maxNs: UInt64
    let minNs: UInt64
    private(set) var guardNs: UInt64
    private var buckets: InlineArray<128, UInt16>
    private var samples = 0
    private var windowTicks = Self.firstWindowTicks

    init(maxNs: UInt64, minNs: UInt64 = 100_000) {
        self.maxNs = maxNs
        self.minNs = min(minNs, maxNs)
        guardNs = maxNs
        buckets = InlineArray(repeating: 0)
    }

    var enabled: Bool { maxNs > 0 }

    /// Waits until `deadlineNs`: sleeps to `deadlineNs − guardNs` (when that is still
    /// ahead), then spins. `wokeLatenessNs` is how late the timer that started this tick
    /// fired (for the estimate when no second sleep was made). Returns the ns spun.
    mutating func wait(untilNs deadlineNs: UInt64, timerLatenessNs: UInt64) -> UInt64 {
        let target = deadlineNs &- guardNs
        var lateness = timerLatenessNs
        if Monotonic.nowNs() < target {
            Monotonic.sleep(untilNs: target)
            let woke = Monotonic.nowNs()
            lateness = woke > target ? woke - target : 0
        }
        record(latenessNs: lateness)
        let spinStart = Monotonic.nowNs()
        var now = spinStart
        while now < deadlineNs { now = Monotonic.nowNs() }
        return now > spinStart ? now - spinStart : 0
    }

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
        guardNs = min(maxNs, max(minNs, quantileNs + Self.marginNs))
        for i in 0..<Self.bucketCount { buckets[i] = 0 }
        samples = 0
    }
}
