import Dispatch

/// A serial executor backed by one dispatch queue. The `CallStore` actor runs on it so that
/// its blocking SQLite calls (a commit can wait on the disk) occupy this queue's thread, never
/// one of the few threads of Swift's cooperative pool that the call sessions run on.
final class StoreExecutor: SerialExecutor {
    let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .utility)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
