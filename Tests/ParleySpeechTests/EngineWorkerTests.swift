import Dispatch
import Synchronization
import Testing
@testable import ParleySpeech

/// The engine worker's order of work, with jobs that only record their steps.
@Suite struct EngineWorkerTests {
    final class Log: Sendable {
        let names = Mutex<[String]>([])
        func append(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    /// Steps until told to stop; `gate` (when given) holds each of its first `gatedSteps`
    /// steps until signalled, after signalling `entered`.
    final class RecordingJob: EngineJob, @unchecked Sendable {
        let name: String
        let log: Log
        let ending: Atomic<Bool>
        let gate: DispatchSemaphore?
        let gatedSteps: Int
        let entered = DispatchSemaphore(value: 0)
        let stop = Atomic<Bool>(false)
        let stepped = DispatchSemaphore(value: 0)
        private var steps = 0

        init(_ name: String, log: Log, ending: Bool = false, gate: DispatchSemaphore? = nil, gatedSteps: Int = 1) {
            self.gatedSteps = gatedSteps
            self.name = name
            self.log = log
            self.ending = Atomic(ending)
            self.gate = gate
        }

        var isEnding: Bool { ending.load(ordering: .acquiring) }

        func step() -> Bool {
            steps += 1
            if steps <= gatedSteps, let gate {
                entered.signal()
                gate.wait()
            }
            log.append(name)
            stepped.signal()
            // An ended utterance is done after one step, as a final is.
            return !isEnding && !stop.load(ordering: .relaxed)
        }
    }

    @Test func anEndedUtteranceIsSteppedBeforeTheStreamsStillListening() {
        let worker = EngineWorker(name: "parley-asr-test", pollIntervalMs: 5)
        defer { worker.stop() }
        let log = Log()
        let gate = DispatchSemaphore(value: 0)
        let first = RecordingJob("first", log: log, gate: gate)
        worker.add(first)
        // The worker is inside `first`'s step: the next pass sees all three jobs.
        #expect(first.entered.wait(timeout: .now() + 10) == .success)
        let second = RecordingJob("second", log: log)
        let ended = RecordingJob("ended", log: log, ending: true)
        worker.add(second)
        worker.add(ended)
        gate.signal()
        #expect(ended.stepped.wait(timeout: .now() + 10) == .success)
        #expect(second.stepped.wait(timeout: .now() + 10) == .success)
        first.stop.store(true, ordering: .relaxed)
        second.stop.store(true, ordering: .relaxed)
        let names = log.all
        // Pass one: `first` alone. Pass two: the ended job, then the others in the order added.
        #expect(Array(names.prefix(4)) == ["first", "ended", "first", "second"])
        #expect(names.filter { $0 == "ended" }.count == 1)
    }

    @Test func anUtteranceThatEndsDuringAPassIsSteppedBeforeThePassGoesOn() {
        let worker = EngineWorker(name: "parley-asr-test", pollIntervalMs: 5)
        defer { worker.stop() }
        let log = Log()
        let gate = DispatchSemaphore(value: 0)
        let first = RecordingJob("first", log: log, gate: gate, gatedSteps: 2)
        worker.add(first)
        // The worker is inside `first`'s first step: the next pass sees all three jobs.
        #expect(first.entered.wait(timeout: .now() + 10) == .success)
        let second = RecordingJob("second", log: log)
        let third = RecordingJob("third", log: log)
        worker.add(second)
        worker.add(third)
        gate.signal()
        // The next pass is inside `first`'s second step when `third`'s utterance ends: its
        // final must not wait for `second`'s decoding.
        #expect(first.entered.wait(timeout: .now() + 10) == .success)
        third.ending.store(true, ordering: .releasing)
        worker.wake()
        gate.signal()
        #expect(third.stepped.wait(timeout: .now() + 10) == .success)
        #expect(second.stepped.wait(timeout: .now() + 10) == .success)
        first.stop.store(true, ordering: .relaxed)
        second.stop.store(true, ordering: .relaxed)
        let names = log.all
        // A pass that steps its jobs in order would log first, first, second, third.
        #expect(Array(names.prefix(4)) == ["first", "first", "third", "second"], "\(names)")
        #expect(names.filter { $0 == "third" }.count == 1)
    }
}
