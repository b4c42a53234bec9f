import Foundation

/// Writes final contact results as CSV (RFC 4180 quoting, CRLF), one row per contact:
/// `number,variant,outcome,attempts,tags,skip_reason,finished_at` (ISO 8601 UTC).
public enum ContactResultCSV {
    public static let header = ["number", "variant", "outcome", "attempts", "tags", "skip_reason", "finished_at"]

    public static func render(_ results: [ContactResult]) -> String {
        let formatter = ISO8601DateFormatter()
        var out = header.joined(separator: ",") + "\r\n"
        for r in results {
            let fields = [r.contactID, r.variant ?? "", r.outcome?.rawValue ?? "", String(r.attempts),
                          r.tags.joined(separator: ";"), r.skipReason ?? "", formatter.string(from: r.finishedAt)]
            out += fields.map(quote).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
