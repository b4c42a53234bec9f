/// Renders call rows as CSV (RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF
/// quoted, quotes doubled) or JSON (an array of objects). Both use the `calls` column names;
/// times are ISO 8601 UTC with milliseconds, `tags` is the JSON object.
public enum CallExport {
    public static let columns = [
        "call_id", "node_id", "direction", "from_uri", "to_uri", "script", "script_version", "variant",
        "started_at", "answered_at", "ended_at", "disposition", "tags", "sip_call_id",
    ]

    enum Field {
        case text(String?)
        case time(Int64?)
        case json(String)
    }

    static func fields(_ row: CallRow) -> [Field] {
        let tags = (try? CallTables.tagsJSON(row.tags)) ?? "{}"
        return [.text(row.callId), .text(row.nodeId), .text(row.direction.rawValue), .text(row.fromURI), .text(row.toURI),
                .text(row.script), .text(row.scriptVersion), .text(row.variant), .time(row.startedAtMs),
                .time(row.answeredAtMs), .time(row.endedAtMs), .text(row.disposition), .json(tags), .text(row.sipCallId)]
    }

    public static func csv(_ rows: [CallRow]) -> String {
        var out = columns.joined(separator: ",") + "\r\n"
        for row in rows {
            let cells = fields(row).map { field -> String in
                switch field {
                case .text(let value): return csvCell(value ?? "")
                case .time(let ms): return ms.map(iso8601) ?? ""
                case .json(let text): return csvCell(text)
                }
            }
            out += cells.joined(separator: ",") + "\r\n"
        }
        return out
    }

    public static func json(_ rows: [CallRow]) -> String {
        var out = "["
        for (index, row) in rows.enumerated() {
            out += (index == 0 ? "\n  " : ",\n  ") + jsonObject(row)
        }
        out += rows.isEmpty ? "]\n" : "\n]\n"
        return out
    }

    /// One call as a JSON object on one line (keys in `columns` order) — also a ready body for a
    /// per-call result webhook.
    public static func jsonObject(_ row: CallRow) -> String {
        var out = "{"
        for (column, field) in zip(columns, fields(row)) {
            if column != columns[0] { out += ", " }
            out += jsonString(column) + ": "
            switch field {
            case .text(let value): out += value.map(jsonString) ?? "null"
            case .time(let ms): out += ms.map { jsonString(iso8601($0)) } ?? "null"
            case .json(let text): out += text
            }
        }
        return out + "}"
    }

    /// One CSV field, quoted when it holds a comma, quote, CR or LF.
    public static func csvCell(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A JSON string literal (RFC 8259 escapes).
    public static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ` (proleptic Gregorian, UTC).
    public static func iso8601(_ ms: Int64) -> String {
        let millis = ((ms % 1000) + 1000) % 1000
        let seconds = (ms - millis) / 1000
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        let days = (seconds - secondOfDay) / 86_400
        // Days to civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }
}
