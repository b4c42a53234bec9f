import Foundation

/// Where things are: the package, the built `parleyd`, the demo, fixtures, scenarios.
enum Paths {
    /// The package root (three levels above this file: Support → ParleydTests → Tests → root).
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .path

    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scenarios").path

    static let demo = packageRoot + "/examples/demo"
    static let demoScript = demo + "/member-care.yaml"
    static let demoConfig = demo + "/parleyd.yaml"
    static let prompts = demo + "/prompts"

    /// `.data/fixtures/parleyd` (Scripts/fixtures.d/50-parleyd.sh), or `$PARLEY_FIXTURES/parleyd`.
    static var fixtures: String {
        let root = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"] ?? packageRoot + "/.data/fixtures"
        return root + "/parleyd"
    }

    /// The `parleyd` built next to the test bundle (`swift build --build-tests` puts both in the
    /// bin path), else `$PARLEYD` when set, else `.build/debug/parleyd`.
    static var parleyd: String {
        if let explicit = ProcessInfo.processInfo.environment["PARLEYD"] { return explicit }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            // …/debug/ParleyPackageTests.xctest (an executable on Linux) or a runner beside it.
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("parleyd").path)
        }
        let bundle = URL(fileURLWithPath: Bundle.main.bundlePath)
        candidates.append(bundle.appendingPathComponent("parleyd").path)
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("parleyd").path)
        candidates.append(packageRoot + "/.build/debug/parleyd")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    static func fixture(_ name: String) throws -> String {
        let path = fixtures + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            throw ChildProcess.Failure(description: "fixture missing: \(path) (run ./Scripts/fixtures.sh)")
        }
        return path
    }

    static func scenario(_ name: String) throws -> String {
        let path = scenarios + "/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            throw ChildProcess.Failure(description: "scenario missing: \(path)")
        }
        return path
    }
}

/// A temporary directory removed when the value is released.
final class TempDirectory: @unchecked Sendable {
    let path: String

    init(_ prefix: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Keeps the folder when PARLEYD_TESTS_KEEP is set (to read logs after a failure).
    deinit {
        if ProcessInfo.processInfo.environment["PARLEYD_TESTS_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
