import Foundation
import Testing

/// Runs the built `parleyd` binary (`swift build` first: it must exist under `.build/debug`).
@Suite struct ParleydCommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary = ConfigurationFixtures.repositoryRoot + "/.build/debug/parleyd"

    func parleyd(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "parleyd is not built: run `swift build --product parleyd` (looked for \(Self.binary))")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: ConfigurationFixtures.repositoryRoot)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func checkConfigAcceptsTheDemo() throws {
        let run = try parleyd(["--check-config", "examples/demo/parleyd.yaml"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("ok\nnode: demo\n"))
        #expect(run.stderr.isEmpty)
    }

    @Test func checkConfigPrintsEveryDiagnosticAndExits1() throws {
        let path = ConfigurationFixtures.path("bad/codecs.yaml")
        let run = try parleyd(["--check-config", path])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines == ConfigurationFixtures.diagnostics("bad/codecs.yaml"))
        #expect(lines.count == 6)
        #expect(lines.first == "\(path):2:18: error: unknown codec 'g729'; expected pcmu, pcma or opus")
    }

    @Test func checkConfigAppliesOverridesAndReadsTheEnvironment() throws {
        let good = try parleyd(["--check-config", ConfigurationFixtures.path("good/full.yaml"), "--sip-listen",
                                "127.0.0.1:5111"],
                               environment: ["TRUNK_PASSWORD": "x", "CRM_AUTH": "y", "ADMIN_TOKEN": "z"])
        #expect(good.status == 0)
        #expect(good.stdout.contains("sip: listen 127.0.0.1:5111 (udp+tcp)"))
        let bad = try parleyd(["--check-config", "examples/demo/parleyd.yaml", "--admin-listen", "nowhere"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("--admin-listen: error: invalid --admin-listen 'nowhere'"))
    }

    @Test func runServesThenDrainsOnSIGTERM() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "parleyd is not built")
        let data = NSTemporaryDirectory() + "parleyd-run-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: data) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--config", "examples/demo/parleyd.yaml", "--data-dir", data,
                             "--sip-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"]
        process.currentDirectoryURL = URL(fileURLWithPath: ConfigurationFixtures.repositoryRoot)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // A watchdog ends a daemon that never gets ready or never exits (the reads below then end).
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        defer { watchdog.cancel() }
        var stdout = ""
        while !stdout.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            stdout += String(decoding: chunk, as: UTF8.self)
        }
        let ready = try #require(stdout.split(separator: "\n").first.map(String.init))
        #expect(ready.hasPrefix("parleyd: ready sip=127.0.0.1:") && ready.contains(" admin=127.0.0.1:"), "\(ready)")
        #expect(!ready.contains("sip=127.0.0.1:0 "))
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("\"msg\":\"draining\"") && log.contains("drained; exiting"), "\(log)")
        #expect(FileManager.default.fileExists(atPath: data + "/parley.sqlite"))
        let broken = try parleyd(["--config", ConfigurationFixtures.path("bad/syntax.yaml")])
        #expect(broken.status == 1)
    }

    @Test func printDefaultsIsLoadableYAML() throws {
        let run = try parleyd(["--print-defaults"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("max_calls: 100"))
        // In a fresh directory holding the demo script where the default names it.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parleyd-defaults-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = directory.appendingPathComponent("examples/demo")
        try FileManager.default.createDirectory(at: demo, withIntermediateDirectories: true)
        try "script: demo\n".write(to: demo.appendingPathComponent("member-care.yaml"), atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("parleyd.yaml")
        try run.stdout.write(to: file, atomically: true, encoding: .utf8)
        let check = try parleyd(["--check-config", file.path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("data: \(directory.path)/.data"))
        // Without the script beside it, the same file fails on exactly that.
        try FileManager.default.removeItem(at: demo.appendingPathComponent("member-care.yaml"))
        let missing = try parleyd(["--check-config", file.path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(":45:19: error: script file not found: \(demo.path)/member-care.yaml"))
    }

    @Test func usageHelpAndVersion() throws {
        let help = try parleyd(["--help"])
        #expect(help.status == 0 && help.stdout.contains("--check-config FILE"))
        let version = try parleyd(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("parleyd "))
        let unknown = try parleyd(["--frobnicate"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown argument '--frobnicate'"))
        let missing = try parleyd(["--check-config"])
        #expect(missing.status == 2 && missing.stderr.contains("--check-config needs a value"))
    }
}
