import Foundation
import Testing

/// Reads checked-in fixtures next to this file (`Fixtures/…`).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        let url = directory.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return [UInt8](data)
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "fixture missing: \(path)" }
    }
}

extension Array where Element == UInt8 {
    init(crlf text: String) { self = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }
}
