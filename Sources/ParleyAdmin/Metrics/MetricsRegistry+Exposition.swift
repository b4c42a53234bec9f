// Prometheus text exposition format 0.0.4: `# HELP` / `# TYPE` per family, families sorted
// by name, histogram series as `_bucket{le=…}` (cumulative, ending with `+Inf`), `_sum`,
// `_count`. Label values escape `\`, `"` and newline; HELP text escapes `\` and newline.

extension MetricsRegistry {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public func exposition() -> String {
        let snapshot = families.withLock { table in table.values.sorted { $0.name < $1.name } }
        var out = ""
        for family in snapshot where !family.series.isEmpty {
            out += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for series in family.series {
                let labels = constantLabels + series.labels
                switch series.cell {
                case .counter(let counter):
                    out += "\(family.name)\(Self.labelText(labels)) \(counter.value)\n"
                case .gauge(let gauge):
                    out += "\(family.name)\(Self.labelText(labels)) \(Self.formatValue(gauge.value))\n"
                case .sampledGauge(let sample):
                    out += "\(family.name)\(Self.labelText(labels)) \(Self.formatValue(sample()))\n"
                case .histogram(let histogram):
                    let cumulative = histogram.cumulativeCounts()
                    for (bound, count) in zip(histogram.upperBounds, cumulative) {
                        out += "\(family.name)_bucket\(Self.labelText(labels + [("le", Self.formatValue(bound))])) \(count)\n"
                    }
                    out += "\(family.name)_bucket\(Self.labelText(labels + [("le", "+Inf")])) \(cumulative.last ?? 0)\n"
                    out += "\(family.name)_sum\(Self.labelText(labels)) \(Self.formatValue(histogram.sum))\n"
                    out += "\(family.name)_count\(Self.labelText(labels)) \(cumulative.last ?? 0)\n"
                }
            }
        }
        return out
    }

    static func labelText(_ labels: [(String, String)]) -> String {
        if labels.isEmpty { return "" }
        return "{" + labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
    }

    static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func escapeHelp(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
