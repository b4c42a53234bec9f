import Foundation

/// A local-time window in which contacts may be called, e.g. Mon–Fri 09:00–20:00.
/// Times are minutes after local midnight in the contact's time zone; `endMinute` is
/// exclusive. Days use Foundation's numbering: 1 = Sunday … 7 = Saturday.
public struct CallingWindow: Sendable, Equatable, Hashable {
    public var weekdays: Set<Int>
    public var startMinute: Int
    public var endMinute: Int

    public init(weekdays: Set<Int>, startMinute: Int, endMinute: Int) throws(CampaignError) {
        guard !weekdays.isEmpty, weekdays.allSatisfy({ (1...7).contains($0) }) else {
            throw CampaignError(.invalidWindow, "weekdays must be 1 (Sunday) … 7 (Saturday)")
        }
        guard startMinute >= 0, endMinute <= 24 * 60, startMinute < endMinute else {
            throw CampaignError(.invalidWindow, "start must be before end, within one day")
        }
        self.weekdays = weekdays
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Parses "HH:MM" into minutes after midnight ("24:00" allowed as an end).
    public static func minutes(_ text: String) throws(CampaignError) -> Int {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 24 * 60 else {
            throw CampaignError(.invalidWindow, "time '\(text)' is not HH:MM")
        }
        return h * 60 + m
    }
}

/// The windows of a campaign, evaluated in a contact's time zone. DST-correct: local
/// times are resolved with Foundation's calendar for that zone on that date.
public struct CallingSchedule: Sendable, Equatable {
    public var windows: [CallingWindow]

    public init(windows: [CallingWindow]) { self.windows = windows }

    /// Whether `date` lies inside a window in `zone`.
    public func isOpen(at date: Date, in zone: TimeZone) -> Bool {
        nextOpening(atOrAfter: date, in: zone) == date
    }

    /// The first instant at or after `date` inside a window, or `nil` if there is none
    /// within the next 8 days (no windows).
    public func nextOpening(atOrAfter date: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let startOfToday = calendar.startOfDay(for: date)
        var best: Date?
        for dayOffset in 0...8 {
            guard let day = calendar.date(byAdding: .day, value: dayOffset, to: startOfToday) else { continue }
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            guard let weekday = parts.weekday else { continue }
            for window in windows where window.weekdays.contains(weekday) {
                guard let start = localTime(window.startMinute, on: parts, calendar),
                      let end = localTime(window.endMinute, on: parts, calendar), start < end else { continue }
                if date >= end { continue }
                let candidate = max(start, date)
                if best == nil || candidate < best! { best = candidate }
            }
            if best != nil { return best }
        }
        return best
    }

    /// Local wall-clock minute on a day. A time skipped by a DST change resolves to the
    /// first valid instant after it; 24:00 is the next midnight.
    private func localTime(_ minute: Int, on day: DateComponents, _ calendar: Calendar) -> Date? {
        var c = DateComponents()
        c.year = day.year; c.month = day.month; c.day = day.day
        c.hour = minute / 60; c.minute = minute % 60
        if minute == 24 * 60 {
            c.hour = 0; c.minute = 0
            guard let midnight = calendar.date(from: c) else { return nil }
            return calendar.date(byAdding: .day, value: 1, to: midnight)
        }
        return calendar.nextDate(after: calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
                                 .addingTimeInterval(-1),
                                 matching: DateComponents(hour: c.hour, minute: c.minute),
                                 matchingPolicy: .nextTime)
    }
}
