@testable import ParleyMedia
import Testing

/// The send guard's pure parts: the estimate from lateness samples and the per-tick plan.
/// Values are injected; nothing here reads the clock.
@Suite struct SendGuardTests {
    static let tickNs: UInt64 = 20_000_000

    static func guardAfterWindow(_ latenessNs: (Int) -> UInt64, ticks: Int = SendGuard.firstWindowTicks,
                                 capNs: UInt64? = nil) -> SendGuard {
        var sendGuard = SendGuard(leadNs: 2_000_000, tickNs: tickNs, capNs: capNs)
        for i in 0..<ticks { sendGuard.record(latenessNs: latenessNs(i)) }
        return sendGuard
    }

    @Test func startsAtTheCapOfTwoPercentOfTheTick() {
        let sendGuard = SendGuard(leadNs: 2_000_000, tickNs: Self.tickNs)
        #expect(sendGuard.capNs == 400_000)
        #expect(sendGuard.guardNs == 400_000)
        #expect(SendGuard(leadNs: 2_000_000, tickNs: 10_000_000).capNs == 200_000)
        // The cap never exceeds the lead (the timer fires only that early).
        #expect(SendGuard(leadNs: 100_000, tickNs: Self.tickNs).capNs == 100_000)
    }

    @Test func quietMachineNeedsNoSpin() {
        // Wake-ups 40–90 µs late: the 99.5th percentile plus the margin is under the tolerance.
        let sendGuard = Self.guardAfterWindow { UInt64(40_000 + ($0 % 6) * 10_000) }
        #expect(sendGuard.guardNs == 0)
    }

    @Test func spinCoversTheTailBeyondTheTolerance() {
        // Every wake-up 290 µs late: bucket [275, 300) µs → edge 300 µs + 50 µs margin − 200 µs.
        let sendGuard = Self.guardAfterWindow { _ in 290_000 }
        #expect(sendGuard.guardNs == 150_000)
    }

    @Test func rareLateWakeUpsAboveTheQuantileAreIgnored() {
        // 1 sample in 250 at 3 ms is above the 99.5th percentile: the estimate follows the rest.
        let sendGuard = Self.guardAfterWindow({ $0 == 100 ? 3_000_000 : 290_000 },
                                              ticks: SendGuard.firstWindowTicks + SendGuard.windowTicks)
        #expect(sendGuard.guardNs == 150_000)
    }

    @Test func aSaturatedMachineSpinsNoMoreThanTheCap() {
        let sendGuard = Self.guardAfterWindow { _ in 2_500_000 }
        #expect(sendGuard.guardNs == sendGuard.capNs)
        let capped = Self.guardAfterWindow({ _ in 2_500_000 }, capNs: 250_000)
        #expect(capped.guardNs == 250_000)
    }

    @Test func theEstimateFollowsTheLastWindowOnly() {
        // A loaded first window, then a quiet one: the spin goes back to 0.
        let sendGuard = Self.guardAfterWindow({ $0 < SendGuard.firstWindowTicks ? 1_000_000 : 50_000 },
                                              ticks: SendGuard.firstWindowTicks + SendGuard.windowTicks)
        #expect(sendGuard.guardNs == 0)
    }

    @Test func planSleepsToTheGuardThenSpins() {
        let sendGuard = Self.guardAfterWindow { _ in 290_000 }   // guard 150 µs
        let deadline: UInt64 = 1_000_000_000
        #expect(sendGuard.plan(nowNs: deadline - 2_000_000, deadlineNs: deadline, spin: true)
                == SendGuard.Plan(sleepUntilNs: deadline - 150_000, spin: true))
        // Woken after the guard's start: no sleep, spin the rest.
        #expect(sendGuard.plan(nowNs: deadline - 100_000, deadlineNs: deadline, spin: true)
                == SendGuard.Plan(sleepUntilNs: 0, spin: true))
    }

    @Test func aTickWithoutPacketsSleepsToTheDeadline() {
        let sendGuard = Self.guardAfterWindow { _ in 290_000 }
        let deadline: UInt64 = 1_000_000_000
        #expect(sendGuard.plan(nowNs: deadline - 2_000_000, deadlineNs: deadline, spin: false)
                == SendGuard.Plan(sleepUntilNs: deadline, spin: false))
        #expect(sendGuard.plan(nowNs: deadline + 10, deadlineNs: deadline, spin: false)
                == SendGuard.Plan(sleepUntilNs: 0, spin: false))
    }

    @Test func noGuardMeansNoSpin() {
        let sendGuard = Self.guardAfterWindow { _ in 10_000 }
        #expect(sendGuard.guardNs == 0)
        let deadline: UInt64 = 1_000_000_000
        #expect(sendGuard.plan(nowNs: deadline - 2_000_000, deadlineNs: deadline, spin: true)
                == SendGuard.Plan(sleepUntilNs: deadline, spin: false))
    }
}
