import Foundation

/// A short human-readable summary of a loaded campaign (`parley campaign check`).
extension LoadedCampaign {
    public var summaryLines: [String] {
        let d = definition
        var lines: [String] = []
        lines.append("campaign  \(d.id): script \(d.script), trunk \(d.trunk)")
        let blocked = contacts.contacts.filter { d.doNotCall.contains($0.number) }.count
        var contactLine = "contacts  \(contacts.contacts.count) from \(d.contacts)"
        if blocked > 0 { contactLine += " (\(blocked) on the do-not-call list)" }
        if !contacts.variableNames.isEmpty { contactLine += "; variables: \(contacts.variableNames.joined(separator: ", "))" }
        lines.append(contactLine)
        lines.append("pacing    \(d.maxConcurrentCalls) concurrent, \(Self.number(d.callsPerSecond)) calls/s, ring timeout \(d.ringTimeoutSec) s")
        let windows = d.schedule.windows.map(Self.describe).joined(separator: "; ")
        lines.append("windows   \(windows) (\(d.defaultTimeZone.identifier) unless the contact has a zone)")
        let rules = AttemptOutcome.allCases.compactMap { outcome -> String? in
            guard let rule = d.retry.rules[outcome] else { return nil }
            return "\(CampaignYAMLReader.yamlName(outcome)) after \(rule.delaySec) s (max \(rule.maxAttempts))"
        }
        lines.append("retry     at most \(d.retry.maxAttempts) attempts; " + (rules.isEmpty ? "no retries" : rules.joined(separator: ", ")))
        if let variants = d.variants {
            lines.append("variants  " + variants.variants.map { "\($0.name) \($0.weight)" }.joined(separator: ", "))
        } else {
            lines.append("variants  none")
        }
        var limits = "limits    do-not-call \(d.doNotCall.count) number(s)"
        if let file = doNotCallFile { limits += " (incl. \(file))" }
        if let cap = d.frequencyCap { limits += "; at most \(cap.maxCalls) call(s) in \(cap.periodDays) day(s)" }
        lines.append(limits)
        return lines
    }

    static func describe(_ window: CallingWindow) -> String {
        let names = ["", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let order = [2, 3, 4, 5, 6, 7, 1]
        let days = order.filter { window.weekdays.contains($0) }.map { names[$0] }.joined(separator: ",")
        return "\(days) \(clock(window.startMinute))–\(clock(window.endMinute))"
    }

    static func clock(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
