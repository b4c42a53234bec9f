// Safety invariants: `clock_gettime` writes one `timespec` into a local variable passed
// inout for the duration of the call; no pointer outlives the call.
import Foundation

/// Thread CPU time for `parley bench dialogue` (robust to other load on the machine).
enum DialogueBenchClock {
    static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
