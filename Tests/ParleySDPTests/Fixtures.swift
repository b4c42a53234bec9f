import Foundation

/// SDP fixtures live beside the fuzz target (they seed it): `<repo>/Fuzz/SDP/{seeds,malformed}`.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/SDP")

    static func load(_ folder: String, _ name: String) throws -> [UInt8] {
        let url = root.appendingPathComponent(folder).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return Array(data)
    }

    static func names(_ folder: String) -> [String] {
        let path = root.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "SDP fixture missing: \(path)" }
    }
}
