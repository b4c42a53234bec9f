import Synchronization
import Testing
@testable import ParleyRealtime

@Suite struct RealtimeThreadTests {
    @Test func runsTicksInOrderAndStops() throws {
        let reached = TestEvent()
        let seen = Box<[UInt64]>([])
        let target = 20
        let clock = MediaClock(tickMs: 2)
        let thread = try RealtimeThread.start(clock: clock, options: .init(name: "rt-test")) { tick in
            var count = 0
            seen.update { $0.append(tick.index); count = $0.count }
            if count == target { reached.signal() }
        }
        #expect(reached.wait(seconds: 10))
        let stats = thread.stop()
        let indices = seen.value
        #expect(indices.count >= target)
        // Strictly increasing tick indices (skips only if ticks were missed).
        #expect(zip(indices, indices.dropFirst()).allSatisfy { $0 < $1 })
        #expect(stats.ticks == UInt64(indices.count))
        #expect(UInt64(indices.last! - indices.first!) + 1 == stats.ticks + stats.missedTicks)
        #expect(stats.maxLatenessNs >= stats.p99LatenessNs || stats.p99LatenessNs - stats.maxLatenessNs < 10_000)
        // Stopped: no more ticks after stop() returned.
        let after = seen.value.count
        #expect(thread.stop() == stats)
        #expect(seen.value.count == after)
    }

    @Test func schedulingRequestsReportAnOutcome() throws {
        let reached = TestEvent()
        let ticks = Box(0)
        let thread = try RealtimeThread.start(
            clock: MediaClock(tickMs: 1),
            options: .init(name: "rt-fifo", cpu: 0, fifoPriority: 10)
        ) { _ in
            var n = 0
            ticks.update { $0 += 1; n = $0 }
            if n == 5 { reached.signal() }
        }
        #expect(reached.wait(seconds: 10))
        thread.stop()
        // Either applied or refused with an errno: the thread ran regardless.
        switch thread.status.fifo {
        case .applied: break
        case .refused(let errno): #expect(errno != 0)
        case .notRequested: Issue.record("fifo was requested")
        }
        #expect(thread.status.affinity != .notRequested)
        #expect(ticks.value >= 5)
    }

    @Test func requestStopFromTheBody() throws {
        let stopped = TestEvent()
        let holder = Box<RealtimeThread?>(nil)
        let thread = try RealtimeThread.start(clock: MediaClock(tickMs: 1)) { tick in
            if tick.index >= 3 {
                holder.value?.requestStop()
                stopped.signal()
            }
        }
        holder.value = thread
        #expect(stopped.wait(seconds: 10))
        let stats = thread.stop()
        #expect(stats.ticks >= 1)
        holder.value = nil
    }

    @Test func overrunSkipsToTheCurrentDeadlineAndCountsMissedTicks() throws {
        let done = TestEvent()
        let seen = Box<[UInt64]>([])
        let clock = MediaClock(tickMs: 2)
        let thread = try RealtimeThread.start(clock: clock) { tick in
            var count = 0
            seen.update { $0.append(tick.index); count = $0.count }
            if count == 1 {
                // Simulate an overrun: work past five more deadlines.
                let until = clock.deadlineNs(ofTick: tick.index + 5) + 500_000
                while Monotonic.nowNs() < until {}
            }
            if count == 4 { done.signal() }
        }
        #expect(done.wait(seconds: 10))
        let stats = thread.stop()
        let indices = seen.value
        #expect(indices[1] >= indices[0] + 5)
        #expect(stats.missedTicks >= 4)
        #expect(indices.last! - indices.first! + 1 == stats.ticks + stats.missedTicks)
    }
}
