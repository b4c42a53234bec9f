import Foundation

/// `parley campaign report --html`: one self-contained page (inline CSS and SVG, no script,
/// no external resource) with attempt outcomes as bars and, per A/B variant, connect,
/// machine and conversion rates with their Wilson 95 % intervals as whiskers.
extension CampaignReport {
    public func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Campaign \(Self.escape(campaignID))</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}
            td:first-child,th:first-child{text-align:left}svg text{font:12px system-ui,sans-serif}</style></head><body>
            <h1>Campaign \(Self.escape(campaignID))</h1>
            <p>State <b>\(state.rawValue)</b> · \(contactCount) contacts, \(finishedContacts) finished · \(attemptCount) attempts
             · generated \(ISO8601DateFormatter().string(from: generatedAt))</p>
            <h2>Attempt outcomes</h2>

            """
        page += outcomeChart()
        page += "<h2>By variant</h2>\n<table><tr><th>variant</th><th>contacts</th><th>attempts</th><th>connect</th>"
            + "<th>machine</th><th>conversion\(conversionTag.map { " (" + Self.escape($0) + ")" } ?? "")</th></tr>\n"
        for v in statistics.variants {
            page += "<tr><td>\(Self.escape(v.variant))</td><td>\(v.contacts)</td><td>\(v.attempts)</td>"
                + "<td>\(Self.escape(Self.pct(v.connected)))</td><td>\(Self.escape(Self.pct(v.machine)))</td>"
                + "<td>\(Self.escape(Self.pct(v.conversion)))</td></tr>\n"
        }
        page += "</table>\n"
        if let p = statistics.conversionPValue {
            page += String(format: "<p>Conversion difference between the first two variants: p = %.4f (pooled two-proportion z-test).</p>\n", p)
        }
        page += rateChart()
        page += "<h2>Contacts</h2>\n<table><tr><th>number</th><th>variant</th><th>outcome</th><th>attempts</th><th>tags</th></tr>\n"
        for r in results {
            page += "<tr><td>\(Self.escape(r.contactID))</td><td>\(Self.escape(r.variant ?? ""))</td>"
                + "<td>\(Self.escape(r.outcome?.rawValue ?? r.skipReason ?? ""))</td><td>\(r.attempts)</td>"
                + "<td>\(Self.escape(r.tags.joined(separator: " ")))</td></tr>\n"
        }
        return page + "</table>\n</body></html>\n"
    }

    func outcomeChart() -> String {
        let keys = attemptOutcomes.keys.sorted()
        let maxCount = max(1, attemptOutcomes.values.max() ?? 1)
        let rowHeight = 22, labelWidth = 110, barWidth = 400
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + barWidth + 60)\" height=\"\(rowHeight * max(1, keys.count) + 4)\" role=\"img\" aria-label=\"attempt outcomes\">\n"
        for (i, key) in keys.enumerated() {
            let count = attemptOutcomes[key]!
            let w = barWidth * count / maxCount
            let y = i * rowHeight
            svg += "<text x=\"0\" y=\"\(y + 15)\">\(Self.escape(key))</text>"
                + "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(w)\" height=\"16\" fill=\"#4a7ebb\"/>"
                + "<text x=\"\(labelWidth + w + 4)\" y=\"\(y + 15)\">\(count)</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Rates per variant as bars with Wilson interval whiskers, 0–100 %.
    func rateChart() -> String {
        let metrics: [(String, KeyPath<CampaignStatistics.VariantFigures, CampaignStatistics.Proportion>)] =
            [("connect", \.connected), ("machine", \.machine), ("conversion", \.conversion)]
        let colours = ["#4a7ebb", "#d9822b", "#3a9a5b", "#a64ca6", "#888888"]
        let groupWidth = 40 * max(1, statistics.variants.count) + 30, height = 200, top = 10, left = 40
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(left + groupWidth * metrics.count + 20)\" height=\"\(height + 60)\" role=\"img\" aria-label=\"rates by variant\">\n"
        for pct in stride(from: 0, through: 100, by: 25) {
            let y = top + height - height * pct / 100
            svg += "<line x1=\"\(left)\" x2=\"\(left + groupWidth * metrics.count)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#ddd\"/>"
                + "<text x=\"0\" y=\"\(y + 4)\">\(pct)%</text>\n"
        }
        for (m, metric) in metrics.enumerated() {
            let x0 = left + m * groupWidth + 10
            svg += "<text x=\"\(x0)\" y=\"\(top + height + 18)\">\(metric.0)</text>\n"
            for (i, v) in statistics.variants.enumerated() {
                let p = v[keyPath: metric.1]
                let x = x0 + i * 40
                func y(_ r: Double) -> Int { top + height - Int((r * Double(height)).rounded()) }
                let ci = p.wilson95
                svg += "<rect x=\"\(x)\" y=\"\(y(p.rate))\" width=\"30\" height=\"\(top + height - y(p.rate))\" fill=\"\(colours[i % colours.count])\"/>"
                    + "<line x1=\"\(x + 15)\" x2=\"\(x + 15)\" y1=\"\(y(ci.lowerBound))\" y2=\"\(y(ci.upperBound))\" stroke=\"#000\"/>"
                    + "<line x1=\"\(x + 8)\" x2=\"\(x + 22)\" y1=\"\(y(ci.upperBound))\" y2=\"\(y(ci.upperBound))\" stroke=\"#000\"/>"
                    + "<line x1=\"\(x + 8)\" x2=\"\(x + 22)\" y1=\"\(y(ci.lowerBound))\" y2=\"\(y(ci.lowerBound))\" stroke=\"#000\"/>\n"
            }
        }
        for (i, v) in statistics.variants.enumerated() {
            svg += "<rect x=\"\(left + i * 120)\" y=\"\(top + height + 30)\" width=\"12\" height=\"12\" fill=\"\(colours[i % colours.count])\"/>"
                + "<text x=\"\(left + i * 120 + 16)\" y=\"\(top + height + 41)\">\(Self.escape(v.variant))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
