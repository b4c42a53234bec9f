import Dispatch
import Foundation
import ParleyRealtime
import Synchronization

/// A job an engine worker steps: drain the ring, decode, emit. Returns false when done.
protocol EngineJob: AnyObject, Sendable {
    func step() -> Bool
    /// True once its utterance has ended (or was cancelled): a caller waits on its result.
    var isEnding: Bool { get }
}

/// A thread that steps its jobs every `pollIntervalMs`, or at once when woken (end of
/// speech, cancel, a new job). The media thread never wakes it: it only writes rings.
final class EngineWorker: Sendable {
    private let jobs = Mutex<[any EngineJob]>([])
    let wakeSignal = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    /// Set by `wake()` (a job's utterance ended or was cancelled): the pass in progress
    /// steps the ending jobs before its next streaming job, so a final waits for one
    /// job's step, not for the rest of the pass.
    private let controlPending = Atomic<Bool>(false)
    let pollIntervalMs: Int

    init(name: String, pollIntervalMs: Int) {
        self.pollIntervalMs = pollIntervalMs
        let thread = Thread { [self] in
            ThreadName.setCurrent(name)
            self.run()
        }
        thread.name = name
        thread.start()
    }

    var jobCount: Int { jobs.withLock { $0.count } }

    func add(_ job: any EngineJob) {
        jobs.withLock { $0.append(job) }
        wakeSignal.signal()
    }

    /// A job's control changed (end of speech, cancel): step it soon.
    func wake() {
        // Pairs with the exchange in `run`.
        controlPending.store(true, ordering: .releasing)
        wakeSignal.signal()
    }

    func stop() {
        // Pairs with the acquire load in `run`.
        stopped.store(true, ordering: .releasing)
        wakeSignal.signal()
    }

    private func run() {
        while !stopped.load(ordering: .acquiring) {
            _ = wakeSignal.wait(timeout: .now() + .milliseconds(pollIntervalMs))
            let current = jobs.withLock { $0 }
            // Utterances that ended go first: a caller waits on each of their results,
            // while the others' audio only has to keep up. When many turns end together
            // a final then waits for the finals ahead of it, not for every stream's decoding.
            // One that ends while the pass runs is stepped before the pass's next stream.
            var ending: Set<ObjectIdentifier> = []
            var finished: Set<ObjectIdentifier> = []
            func stepEnding() {
                for job in current where job.isEnding && !ending.contains(ObjectIdentifier(job)) {
                    ending.insert(ObjectIdentifier(job))
                    if !job.step() { finished.insert(ObjectIdentifier(job)) }
                }
            }
            controlPending.store(false, ordering: .relaxed)
            stepEnding()
            for job in current where !ending.contains(ObjectIdentifier(job)) {
                if controlPending.exchange(false, ordering: .acquiringAndReleasing) {
                    stepEnding()
                    if ending.contains(ObjectIdentifier(job)) { continue }
                }
                if !job.step() { finished.insert(ObjectIdentifier(job)) }
            }
            if !finished.isEmpty {
                jobs.withLock { $0.removeAll { finished.contains(ObjectIdentifier($0)) } }
            }
        }
    }
}
