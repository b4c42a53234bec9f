import ParleyRealtime

/// Buffers one media thread shares among its channels: they run one after another on
/// that thread, so a receive batch and packet buffers per thread are enough (this keeps
/// them out of every call's memory). Allocated at thread setup.
final class MediaThreadScratch {
    let batch: DatagramBatch
    var packet: [UInt8]
    var payload: [UInt8]
    /// Monotonic time of the tick being run: its deadline (with a send guard), else the
    /// time its work started.
    var nowNs: UInt64 = 0
    /// The media clock's index of the tick being run (RealtimeThread.Tick.index): it jumps
    /// over deadlines the thread missed, and channels advance their RTP timestamps by as much.
    var tickIndex: UInt64 = 0

    init(batchCapacity: Int = 16) throws(RealtimeError) {
        batch = try DatagramBatch(capacity: batchCapacity, maxDatagramBytes: 1500)
        packet = [UInt8](repeating: 0, count: 1500)
        payload = [UInt8](repeating: 0, count: 1500)
    }
}
