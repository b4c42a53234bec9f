import Foundation
import Testing
@testable import ParleyCampaign

struct CallingScheduleTests {
    static func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }
    static let weekdays9to20 = CallingSchedule(windows: [try! CallingWindow(weekdays: [2, 3, 4, 5, 6], startMinute: 540, endMinute: 1200)])

    @Test func insideAndOutsideInTheContactsZone() {
        let ny = TimeZone(identifier: "America/New_York")!
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        // Tue 2026-03-03 15:00Z = 10:00 in New York (open), 00:00 Wed in Tokyo (closed).
        let t = Self.date("2026-03-03T15:00:00Z")
        #expect(Self.weekdays9to20.isOpen(at: t, in: ny))
        #expect(!Self.weekdays9to20.isOpen(at: t, in: tokyo))
        #expect(Self.weekdays9to20.nextOpening(atOrAfter: t, in: tokyo) == Self.date("2026-03-04T00:00:00Z"))  // 09:00 JST
    }

    @Test func weekendSkipsToMonday() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        // Fri 2026-01-09 20:30 local (19:30Z) → Mon 2026-01-12 09:00 local (08:00Z).
        let t = Self.date("2026-01-09T19:30:00Z")
        #expect(!Self.weekdays9to20.isOpen(at: t, in: berlin))
        #expect(Self.weekdays9to20.nextOpening(atOrAfter: t, in: berlin) == Self.date("2026-01-12T08:00:00Z"))
        // End is exclusive: 20:00 local sharp is closed.
        #expect(!Self.weekdays9to20.isOpen(at: Self.date("2026-01-09T19:00:00Z"), in: berlin))
        #expect(Self.weekdays9to20.isOpen(at: Self.date("2026-01-09T18:59:59Z"), in: berlin))
    }

    @Test func dstChangesKeepLocalWallClock() {
        let ny = TimeZone(identifier: "America/New_York")!
        // US DST starts Sun 2026-03-08. Fri 03-06 09:00 EST = 14:00Z; Mon 03-09 09:00 EDT = 13:00Z.
        #expect(Self.weekdays9to20.nextOpening(atOrAfter: Self.date("2026-03-06T13:00:00Z"), in: ny) == Self.date("2026-03-06T14:00:00Z"))
        #expect(Self.weekdays9to20.nextOpening(atOrAfter: Self.date("2026-03-07T02:00:00Z"), in: ny) == Self.date("2026-03-09T13:00:00Z"))
        // Ends at 20:00 EDT = 00:00Z next day.
        #expect(Self.weekdays9to20.isOpen(at: Self.date("2026-03-09T23:59:00Z"), in: ny))
        #expect(!Self.weekdays9to20.isOpen(at: Self.date("2026-03-10T00:00:00Z"), in: ny))
    }

    @Test func windowStartingInsideTheSkippedHourOpensAfterIt() throws {
        let ny = TimeZone(identifier: "America/New_York")!
        // Sunday 02:30–04:00 local; on 2026-03-08 02:30 does not exist (02:00 → 03:00 EDT = 07:00Z).
        let schedule = CallingSchedule(windows: [try CallingWindow(weekdays: [1], startMinute: 150, endMinute: 240)])
        let open = try #require(schedule.nextOpening(atOrAfter: Self.date("2026-03-08T05:00:00Z"), in: ny))
        #expect(open >= Self.date("2026-03-08T07:00:00Z") && open <= Self.date("2026-03-08T07:30:00Z"))
        #expect(!schedule.isOpen(at: Self.date("2026-03-08T08:00:00Z"), in: ny))   // 04:00 EDT
    }

    @Test func invalidWindowsAreRejected() {
        #expect(throws: CampaignError.self) { try CallingWindow(weekdays: [], startMinute: 0, endMinute: 60) }
        #expect(throws: CampaignError.self) { try CallingWindow(weekdays: [8], startMinute: 0, endMinute: 60) }
        #expect(throws: CampaignError.self) { try CallingWindow(weekdays: [1], startMinute: 600, endMinute: 600) }
        #expect(throws: CampaignError.self) { try CallingWindow.minutes("25:00") }
        #expect((try? CallingWindow.minutes("09:30")) == 570)
    }
}
