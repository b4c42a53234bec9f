import Foundation
import Synchronization

/// Structured logs: one JSON object per line on standard error, with per-call metadata
/// as fields. Message text is fixed wording; caller numbers, transcripts and digits are
/// personal data and never go into it (fields carry ids, states, codes and counts only).
public final class CallLog: Sendable {
    public enum Level: String, Sendable, Comparable {
        case debug, info, warning, error
        var rank: Int {
            switch self {
            case .debug: 0
            case .info: 1
            case .warning: 2
            case .error: 3
            }
        }
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    let minimum: Level
    let write: @Sendable (String) -> Void
    private let lock = Mutex<Void>(())

    /// `write` receives whole lines (default: standard error).
    public init(minimum: Level = .info, write: (@Sendable (String) -> Void)? = nil) {
        self.minimum = minimum
        self.write = write ?? { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    public func log(_ level: Level, _ message: String, _ fields: [String: String] = [:]) {
        guard level >= minimum else { return }
        var object: [String: String] = fields
        object["level"] = level.rawValue
        object["msg"] = message
        object["ts"] = Self.timestamp()
        let line: String
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
           let text = String(data: data, encoding: .utf8) {
            line = text + "\n"
        } else {
            line = "{\"level\":\"error\",\"msg\":\"unencodable log line\"}\n"
        }
        lock.withLock { _ in write(line) }
    }

    public func info(_ message: String, _ fields: [String: String] = [:]) { log(.info, message, fields) }
    public func warning(_ message: String, _ fields: [String: String] = [:]) { log(.warning, message, fields) }
    public func error(_ message: String, _ fields: [String: String] = [:]) { log(.error, message, fields) }
    public func debug(_ message: String, _ fields: [String: String] = [:]) { log(.debug, message, fields) }

    static func timestamp() -> String {
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        return String(ms)
    }
}
