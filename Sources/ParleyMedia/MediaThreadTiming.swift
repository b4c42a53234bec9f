/// Timing of one media thread since it started (`MediaEngine.threadTiming`).
public struct MediaThreadTiming: Sendable, Equatable {
    /// Time spent running channels (send phase onwards) and the ticks that did so.
    public var busyNs: UInt64
    public var ticks: UInt64
    /// Time spent spinning from the send guard to the deadline.
    public var spinNs: UInt64
    /// The send guard in force (how long before the deadline the thread stops sleeping).
    public var sendGuardNs: UInt64
    /// Per tick, how late the latest send was behind its send slot (deadline + its
    /// place × slot spacing): p99 (refreshed every 50 ticks, 10 µs buckets) and max.
    public var sendLatenessP99Ns: UInt64
    public var sendLatenessMaxNs: UInt64
}
