/// Which calls the event loop's tick services, under a time budget per tick.
///
/// The loop that runs the calls' recognizers and runners also reads SIP: while a tick
/// works through every call's received audio (a prompt search costs up to a few hundred µs,
/// and in a burst every new call searches at once), a 200 OK waits in the socket and is
/// timestamped when the loop reads it, late. So a round services calls only until its budget
/// is spent, then returns to the loop (SIP, posted work); the engine posts the rest of the
/// round right after the loop's pending I/O (`SimEngine.serviceCalls`). A call's RTP waits meanwhile in its receive rings, timestamped at
/// arrival by the receive thread, so what the caller measures from it does not move; the
/// ring holds seconds of audio.
///
/// Calls are named by a key that grows in the order they were placed (`SimCall.index`):
/// each tick starts after the last call serviced, wrapping around, so calls placed or
/// finished between ticks do not make the rotation skip one. At least one call is
/// serviced per tick.
struct SimServiceRotation: Sendable {
    /// Time a tick may spend on calls (ns, monotonic).
    let budgetNs: UInt64
    /// Key of the last call serviced.
    private(set) var lastKey = Int.min
    /// Ticks that stopped before servicing every call.
    private(set) var deferredTicks = 0

    init(budgetNs: UInt64) { self.budgetNs = budgetNs }

    /// Services calls `0..<count` (keys ascending) from the one after `lastKey`, until
    /// `nowNs()` is `budgetNs` past its value at the start. Returns how many it serviced.
    @discardableResult
    mutating func run(count: Int, key: (Int) -> Int, nowNs: () -> UInt64, service: (Int) -> Void) -> Int {
        guard count > 0 else { return 0 }
        var first = 0
        while first < count, key(first) <= lastKey { first += 1 }
        if first == count { first = 0 }
        let startNs = nowNs()
        var served = 0
        while served < count {
            let i = (first + served) % count
            service(i)
            lastKey = key(i)
            served += 1
            if served < count, nowNs() &- startNs >= budgetNs {
                deferredTicks += 1
                break
            }
        }
        return served
    }
}
