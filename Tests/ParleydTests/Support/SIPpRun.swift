import Foundation

/// SIPp (Debian `sip-tester` 3.6.1) as the caller: one process running a scenario from
/// `Scenarios/`, in the fixtures folder (so `rtp_stream="yes.ulaw,…"` finds its files),
/// with its error, log (`<log message=…>`) and screen files in a temp folder.
final class SIPpRun: @unchecked Sendable {
    static let executable = "/usr/bin/sipp"

    let scenario: String
    let directory: TempDirectory
    let localPort: Int
    let mediaPort: Int
    let process: ChildProcess
    let timeoutSeconds: Int

    /// Starts SIPp: `calls` calls (`-m`) at `rate` per second, at most `limit` at once.
    /// `keys` become `-key NAME VALUE` (`[NAME]` in the scenario).
    init(scenario: String, target: String, calls: Int = 1, rate: Int = 10, limit: Int? = nil,
         keys: [String: String] = [:], timeoutSeconds: Int = 40, extra: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw ChildProcess.Failure(description: "SIPp missing: apt-get install -y sip-tester")
        }
        self.scenario = scenario
        self.timeoutSeconds = timeoutSeconds
        directory = try TempDirectory("parleyd-sipp")
        localPort = PortAllocator.udpPort()
        mediaPort = PortAllocator.udpPort()
        var arguments = ["-sf", try Paths.scenario(scenario), target,
                         "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", "\(localPort)", "-mp", "\(mediaPort)",
                         "-m", "\(calls)", "-r", "\(rate)", "-l", "\(limit ?? calls)",
                         "-nostdin", "-trace_err", "-error_file", directory.file("errors.log"),
                         "-trace_logs", "-log_file", directory.file("logs.log"),
                         "-trace_screen", "-screen_file", directory.file("screen.log"),
                         "-timeout", "\(timeoutSeconds)s", "-timeout_error"]
        for (key, value) in keys.sorted(by: { $0.key < $1.key }) { arguments += ["-key", key, value] }
        arguments += extra
        let fixtures = Paths.fixtures
        guard FileManager.default.fileExists(atPath: fixtures) else {
            throw ChildProcess.Failure(description: "fixtures missing: \(fixtures) (run ./Scripts/fixtures.sh)")
        }
        process = try ChildProcess(Self.executable, arguments, name: "sipp \(scenario)",
                                   stdoutPath: directory.file("stdout.txt"), stderrPath: directory.file("stderr.txt"),
                                   directory: fixtures)
    }

    /// Waits for SIPp to finish (its own `-timeout` plus a margin), killing it if it does not.
    @discardableResult
    func finish() -> Result {
        if !process.waitForExit(timeoutSeconds: Double(timeoutSeconds) + 10) { process.kill9() }
        return result
    }

    struct Result: CustomStringConvertible {
        let status: Int32?
        let successfulCalls: Int?
        let failedCalls: Int?
        let logLines: [String]
        let errors: String
        let screen: String

        var succeeded: Bool { status == 0 }

        /// `NAME=value` pairs from `<log message=…>` lines, in order.
        func values(_ name: String) -> [String] {
            logLines.compactMap { line in
                line.split(separator: " ").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
            }
        }

        var description: String {
            "SIPp exit \(status.map(String.init) ?? "killed"), successful \(successfulCalls.map(String.init) ?? "?"), failed \(failedCalls.map(String.init) ?? "?")\n--- errors:\n\(errors.suffix(3000))\n--- screen:\n\(screen.suffix(2500))"
        }
    }

    var result: Result {
        let screen = (try? String(contentsOfFile: directory.file("screen.log"), encoding: .utf8)) ?? process.standardOutput
        let logs = (try? String(contentsOfFile: directory.file("logs.log"), encoding: .utf8)) ?? ""
        let errors = ((try? String(contentsOfFile: directory.file("errors.log"), encoding: .utf8)) ?? "") + process.standardError
        return Result(status: process.terminationStatus, successfulCalls: Self.count("Successful call", in: screen),
                      failedCalls: Self.count("Failed call", in: screen),
                      logLines: logs.split(separator: "\n").map(String.init), errors: errors, screen: screen)
    }

    /// The cumulative count on a SIPp screen line such as `Successful call   |   0   |   20`.
    static func count(_ label: String, in screen: String) -> Int? {
        guard let line = screen.split(separator: "\n").last(where: { $0.contains(label) }) else { return nil }
        return line.split(whereSeparator: { $0 == "|" || $0 == " " }).compactMap { Int($0) }.last
    }

    func stop() { process.kill9() }

    deinit { process.kill9() }
}
