import Foundation
import ParleyStore

/// `parley calls export --csv|--json [--data-dir DIR] [--since T] [--until T] [--disposition X]
/// [--script S] [--limit N]` — writes call records from the store to standard output.
/// Times are ISO 8601 (`2026-11-23`, `2026-11-23T12:00:00Z`, `…T12:00:00.250+01:00`); `--since`
/// is inclusive and `--until` exclusive, both on `started_at`.
enum CallsCommand {
    static let usage = """
        usage: parley calls export --csv|--json [--data-dir DIR] [--since ISO8601] [--until ISO8601]
                                   [--disposition X] [--script S] [--limit N]

        The data directory defaults to $PARLEY_DATA_DIR, else .data; the store is DIR/parley.sqlite.
        """

    enum Format { case csv, json }

    struct Options {
        var format: Format?
        var dataDirectory = CallStore.defaultDataDirectory()
        var query = CallQuery()
    }

    struct UsageError: Error { let message: String }

    static func run(_ arguments: [String]) -> Int32 {
        guard arguments.first == "export" else {
            if arguments.first == "--help" || arguments.first == "-h" { print(usage); return 0 }
            FileHandleOutput.error(usage)
            return 2
        }
        let options: Options
        do {
            options = try parse(Array(arguments.dropFirst()))
        } catch let error as UsageError {
            FileHandleOutput.error("parley calls export: \(error.message)\n\n\(usage)")
            return 2
        } catch {
            return 2
        }
        guard let format = options.format else {
            FileHandleOutput.error("parley calls export: choose --csv or --json\n\n\(usage)")
            return 2
        }
        let path = (options.dataDirectory as NSString).appendingPathComponent("parley.sqlite")
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandleOutput.error("parley calls export: no store at \(path)")
            return 1
        }
        do {
            let db = try Database(path: path, options: .init(mode: .readOnly))
            let rows = try CallTables.calls(matching: options.query, in: db)
            let text = format == .csv ? CallExport.csv(rows) : CallExport.json(rows)
            FileHandle.standardOutput.write(Data(text.utf8))
            return 0
        } catch {
            FileHandleOutput.error("parley calls export: \(error)")
            return 1
        }
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw UsageError(message: "\(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--csv": options.format = .csv
            case "--json": options.format = .json
            case "--data-dir": options.dataDirectory = try value(argument)
            case "--since": options.query.sinceMs = try timestamp(try value(argument), flag: argument)
            case "--until": options.query.untilMs = try timestamp(try value(argument), flag: argument)
            case "--disposition": options.query.disposition = try value(argument)
            case "--script": options.query.script = try value(argument)
            case "--limit":
                let text = try value(argument)
                guard let limit = Int(text), limit >= 0 else { throw UsageError(message: "--limit needs a count ≥ 0, not '\(text)'") }
                options.query.limit = limit
            default: throw UsageError(message: "unknown option '\(argument)'")
            }
            index += 1
        }
        return options
    }

    /// Milliseconds since the epoch from an ISO 8601 date or date-time (with zone).
    static func timestamp(_ text: String, flag: String) throws -> Int64 {
        let formatter = ISO8601DateFormatter()
        let variants: [ISO8601DateFormatter.Options] = [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime], [.withFullDate],
        ]
        for options in variants {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) {
                return Int64((date.timeIntervalSince1970 * 1000).rounded())
            }
        }
        throw UsageError(message: "\(flag) needs an ISO 8601 time such as 2026-11-23T12:00:00Z, not '\(text)'")
    }
}
