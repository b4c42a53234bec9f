// MediaClock — the media tick grid: deadline n = start + n · tick, in nanoseconds of
// CLOCK_MONOTONIC. Deadlines are computed, never accumulated, so there is no drift.
//
// Safety invariants: no unsafe code here; `Monotonic.nowNs` is a plain C call
// without pointers.
import CParleyLinux

/// CLOCK_MONOTONIC readings.
public enum Monotonic {
    /// Nanoseconds since an arbitrary fixed point (boot), never going backwards.
    @inline(__always)
    public static func nowNs() -> UInt64 { parley_linux_monotonic_ns() }

    /// Milliseconds on the same clock (for signalling timers and the timer wheel).
    @inline(__always)
    public static func nowMs() -> Int64 { Int64(parley_linux_monotonic_ns() / 1_000_000) }

    /// Sleeps until the absolute monotonic deadline (clock_nanosleep, TIMER_ABSTIME).
    /// Returns 0 or an errno.
    @discardableResult
    public static func sleep(untilNs deadlineNs: UInt64) -> Int32 {
        parley_linux_sleep_until_ns(deadlineNs)
    }
}

public struct MediaClock: Sendable, Hashable {
    /// Deadline of tick 0.
    public let startNs: UInt64
    public let tickNs: UInt64

    public init(startNs: UInt64, tickNs: UInt64) {
        precondition(tickNs > 0, "MediaClock: tickNs must be positive")
        self.startNs = startNs
        self.tickNs = tickNs
    }

    /// A clock whose tick 0 is `now` (or the given start) with a tick of `tickMs`.
    public init(tickMs: Int, startNs: UInt64 = Monotonic.nowNs()) {
        self.init(startNs: startNs, tickNs: UInt64(tickMs) * 1_000_000)
    }

    /// Absolute deadline of tick `n`: start + n · tick.
    @inline(__always)
    public func deadlineNs(ofTick n: UInt64) -> UInt64 { startNs &+ n &* tickNs }

    /// The last tick whose deadline is at or before `nowNs` (0 before the start).
    @inline(__always)
    public func tick(atNs nowNs: UInt64) -> UInt64 {
        nowNs <= startNs ? 0 : (nowNs - startNs) / tickNs
    }

    /// The first tick whose deadline is strictly after `nowNs`.
    @inline(__always)
    public func nextTick(afterNs nowNs: UInt64) -> UInt64 {
        nowNs < startNs ? 0 : (nowNs - startNs) / tickNs + 1
    }

    /// Samples per tick at a sample rate (e.g. 20 ms at 8000 Hz → 160).
    public func samplesPerTick(sampleRateHz: Int) -> Int {
        Int(UInt64(sampleRateHz) * tickNs / 1_000_000_000)
    }
}
