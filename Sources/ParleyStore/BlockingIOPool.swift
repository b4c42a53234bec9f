import Foundation
import Synchronization

/// A small, bounded set of threads for blocking network I/O (connect, TLS, poll), so the
/// Swift cooperative pool never blocks on a socket. Threads start as jobs arrive, up to
/// `maximumThreads`, and end after `idleSeconds` without work; jobs beyond the threads wait
/// in order.
final class BlockingIOPool: @unchecked Sendable {
    // `condition` guards `jobs`, `threadCount` and `idleCount`; jobs run outside it.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var threadCount = 0
    private var idleCount = 0
    let maximumThreads: Int
    let idleSeconds: Double
    let name: String

    init(maximumThreads: Int, idleSeconds: Double = 5, name: String) {
        self.maximumThreads = max(1, maximumThreads)
        self.idleSeconds = idleSeconds
        self.name = name
    }

    /// Runs `work` on a pool thread and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            submit { continuation.resume(returning: work()) }
        }
    }

    /// Threads currently alive (for tests and metrics).
    var liveThreads: Int {
        condition.lock()
        defer { condition.unlock() }
        return threadCount
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        let spawn = jobs.count > idleCount && threadCount < maximumThreads
        if spawn { threadCount += 1 }
        condition.signal()
        condition.unlock()
        guard spawn else { return }
        let thread = Thread { [self] in work() }
        thread.name = name
        thread.stackSize = 512 * 1024
        thread.start()
    }

    private func work() {
        condition.lock()
        while true {
            while jobs.isEmpty {
                idleCount += 1
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: idleSeconds))
                idleCount -= 1
                if !signalled && jobs.isEmpty {
                    threadCount -= 1
                    condition.unlock()
                    return
                }
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
        }
    }
}

/// Set when the task awaiting a blocking job is cancelled; the job polls it between waits.
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)

    // Relaxed: the flag only ends a wait early; it publishes no other memory.
    func cancel() { value.store(true, ordering: .relaxed) }
    var isCancelled: Bool { value.load(ordering: .relaxed) }
}
