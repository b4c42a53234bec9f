// Real processes on loopback for the cluster tests: the Kamailio front (started through
// Scripts/cluster/start.sh), parleyd nodes (ClusterHarness+Parleyd.swift) and SIPp trunks.
// Every process is stopped by its pid and every file removed by `shutdown()`, which the
// tests call from `defer`.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How to launch one node behind the front.
struct NodeCommand {
    var executable: String
    var arguments: [String]
    var environment: [String: String] = [:]
}

/// What runs as a node behind the front.
enum NodeMode {
    /// parleyd with its own configuration (see `ParleydNode`): answers, runs the demo
    /// dialogue, drains on SIGTERM, answers 481 to dialogs it does not know.
    case parleyd
    /// A SIPp UAS that answers OPTIONS with 200 and rings on INVITE until the caller
    /// cancels. parleyd answers at once, so the CANCEL test needs this stand-in.
    case ringingStandIn
}

/// The launch command of `node`. The one place that knows how a node is started.
func nodeCommand(_ node: ParleydNode, mode: NodeMode, workDir: URL) -> NodeCommand {
    switch mode {
    case .parleyd:
        return NodeCommand(
            executable: ClusterHarness.parleydPath,
            arguments: ["--config", node.configFile.path],
            // The general intents are read from models/ relative to the working directory.
            environment: ["PARLEY_MODELS": ClusterHarness.repoRoot.appendingPathComponent("models").path])
    case .ringingStandIn:
        return NodeCommand(
            executable: "/usr/bin/env",
            arguments: [
                "sipp", "-sf", ClusterHarness.repoRoot.appendingPathComponent("examples/cluster/sipp/node-ringing.xml").path,
                "-i", "127.0.0.1", "-p", String(node.sipPort), "-mp", String(node.rtpPortStart),
                "-aa",  // OPTIONS probes get 200 OK
                "-nostdin", "-trace_err", "-error_file", workDir.appendingPathComponent("\(node.name)-errors.log").path,
            ])
    }
}

struct ClusterError: Error, CustomStringConvertible {
    enum Code { case missingTool, launchFailed, timeout, commandFailed }
    var code: Code
    var context: String
    var description: String { "\(code): \(context)" }
}

/// Outcome of one SIPp trunk run: its statistics and which node answered each call.
struct TrunkResult {
    var successfulCalls: Int
    var failedCalls: Int
    /// Calls answered per node SIP port (from the 200's Contact).
    var answeredByPort: [Int: Int]
    func answered(by port: Int) -> Int { answeredByPort[port] ?? 0 }
}

final class ClusterHarness {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let workDir: URL
    let kamailioPort: Int
    private let basePort: Int
    private var nextPort: Int
    /// Running processes by name (nodes, trunks).
    var processes: [String: Process] = [:]
    /// Nodes started so far by name, with the admin port of their current life.
    var nodes: [String: ParleydNode] = [:]
    private var launches = 0
    private var kamailioStarted = false
    /// Ports in one run's block: the front, nodes' SIP, nodes' RTP ranges, trunks.
    static let portBlockSize = 200

    var ctlSocket: String { "unix:" + workDir.appendingPathComponent("kamailio_ctl").path }

    init() throws {
        for tool in ["sipp", "kamailio", "kamcmd", "perl", "sqlite3"] {
            let status = try Self.run("/bin/sh", ["-c", "command -v \(tool)"]).status
            guard status == 0 else {
                throw ClusterError(code: .missingTool,
                                   context: "\(tool) not found: apt-get install -y kamailio sip-tester sqlite3")
            }
        }
        guard FileManager.default.isExecutableFile(atPath: Self.parleydPath) else {
            throw ClusterError(code: .missingTool, context: "no parleyd at \(Self.parleydPath): swift build first")
        }
        // Ports from the process id so parallel runs on the machine do not collide; above
        // parleyd's default RTP range (20000-29999), which other test runs use.
        basePort = 30000 + Int(getpid() % 150) * Self.portBlockSize
        nextPort = basePort + 1
        kamailioPort = basePort
        let id = UUID().uuidString.prefix(8)
        workDir = Self.repoRoot.appendingPathComponent(".data/cluster-test-\(getpid())-\(id)")
        try FileManager.default.createDirectory(at: workDir, withIntermediateDirectories: true)
    }

    /// A fresh loopback port from this run's block.
    func allocatePort(count: Int = 1) -> Int {
        precondition(nextPort + count <= basePort + Self.portBlockSize, "port block exhausted")
        defer { nextPort += count }
        return nextPort
    }

    /// An even port starting `count` fresh ports (an RTP range: RTP even, RTCP odd).
    func allocateRTPRange(count: Int) -> Int {
        if nextPort % 2 == 1 { nextPort += 1 }
        return allocatePort(count: count)
    }

    // MARK: Kamailio

    func startKamailio(nodeURIs: [String]) throws {
        let result = try Self.run(
            Self.repoRoot.appendingPathComponent("Scripts/cluster/start.sh").path,
            [workDir.path] + nodeURIs,
            environment: ["LISTEN_IP": "127.0.0.1", "LISTEN_PORT": String(kamailioPort)])
        kamailioStarted = true
        guard result.status == 0 else {
            throw ClusterError(code: .launchFailed, context: "start.sh: \(result.output)")
        }
    }

    /// Dispatcher flags per destination URI, e.g. "sip:127.0.0.1:5081" → "AP".
    func dispatcherFlags() throws -> [String: String] {
        let result = try Self.run("/usr/bin/env", ["kamcmd", "-s", ctlSocket, "dispatcher.list"])
        guard result.status == 0 else {
            throw ClusterError(code: .commandFailed, context: "kamcmd dispatcher.list: \(result.output)")
        }
        var flags: [String: String] = [:]
        var uri: String?
        for line in result.output.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("URI: ") { uri = String(text.dropFirst(5)) }
            if text.hasPrefix("FLAGS: "), let current = uri {
                flags[current] = String(text.dropFirst(7))
                uri = nil
            }
        }
        return flags
    }

    /// Waits until Kamailio reports `uri` active ("A…") or inactive ("I…").
    func waitForNode(_ uri: String, active: Bool, timeoutS: Double) async throws -> Double {
        let want: Character = active ? "A" : "I"
        return try await waitUntil("\(uri) \(active ? "active" : "inactive")", timeoutS: timeoutS) {
            try self.dispatcherFlags()[uri]?.first == want
        }
    }

    /// Lines of Kamailio's log containing `text`.
    func kamailioLogLines(containing text: String) -> Int {
        let log = workDir.appendingPathComponent("kamailio.log")
        guard let content = try? String(contentsOf: log, encoding: .utf8) else { return 0 }
        return content.split(separator: "\n").filter { $0.contains(text) }.count
    }

    // MARK: Nodes and trunks

    /// Starts a SIPp trunk placing `calls` calls at `rate` per second through the front,
    /// each lasting `talkMs` between ACK and BYE, with a scenario of examples/cluster/sipp.
    func startTrunk(name: String, scenario: String = "trunk-uac.xml", calls: Int, rate: Int, talkMs: Int,
                    extraArguments: [String] = []) throws {
        let port = allocatePort()
        let mediaPort = allocatePort(count: 4)
        try launch(name: name, "/usr/bin/env", [
            "sipp", "127.0.0.1:\(kamailioPort)",
            "-sf", Self.repoRoot.appendingPathComponent("examples/cluster/sipp/\(scenario)").path,
            "-i", "127.0.0.1", "-p", String(port), "-mp", String(mediaPort),
            "-m", String(calls), "-r", String(rate), "-d", String(talkMs),
            "-nostdin",
            "-trace_logs", "-log_file", logFile(name).path,
            "-trace_stat", "-stf", statsFile(name).path,
            "-trace_err", "-error_file", workDir.appendingPathComponent("\(name)-errors.log").path,
        ] + extraArguments)
    }

    /// Calls answered so far by a running trunk (its log is written per call).
    func answeredCalls(trunk name: String) -> Int {
        answeredByPort(trunk: name).values.reduce(0, +)
    }

    /// Waits for a trunk to finish and reads its statistics.
    func finishTrunk(name: String, timeoutS: Double) async throws -> TrunkResult {
        guard let process = processes[name] else {
            throw ClusterError(code: .commandFailed, context: "no trunk \(name)")
        }
        _ = try await waitUntil("trunk \(name) to finish", timeoutS: timeoutS) { !process.isRunning }
        processes[name] = nil
        let stats = try String(contentsOf: statsFile(name), encoding: .utf8)
        let lines = stats.split(separator: "\n").map { $0.split(separator: ";", omittingEmptySubsequences: false) }
        guard let header = lines.first, let last = lines.last, lines.count >= 2 else {
            throw ClusterError(code: .commandFailed, context: "trunk \(name): empty statistics file")
        }
        func column(_ title: String) throws -> Int {
            guard let index = header.firstIndex(where: { $0 == title }), index < last.count,
                  let value = Int(last[index]) else {
                throw ClusterError(code: .commandFailed, context: "trunk \(name): no \(title) in statistics")
            }
            return value
        }
        return TrunkResult(successfulCalls: try column("SuccessfulCall(C)"),
                           failedCalls: try column("FailedCall(C)"),
                           answeredByPort: answeredByPort(trunk: name))
    }

    // MARK: Cleanup

    /// Stops every process this harness started and removes the run directory.
    func shutdown() {
        for (_, process) in processes { Self.kill(process) }
        processes.removeAll()
        if kamailioStarted {
            _ = try? Self.run(Self.repoRoot.appendingPathComponent("Scripts/cluster/stop.sh").path, [workDir.path])
        }
        if ProcessInfo.processInfo.environment["PARLEY_KEEP_CLUSTER_RUN"] == nil {
            try? FileManager.default.removeItem(at: workDir)
        } else {
            print("cluster: run kept in \(workDir.path)")
        }
    }

    // MARK: Helpers

    func logFile(_ name: String) -> URL { workDir.appendingPathComponent("\(name)-calls.log") }
    private func statsFile(_ name: String) -> URL { workDir.appendingPathComponent("\(name)-stats.csv") }

    private func answeredByPort(trunk name: String) -> [Int: Int] {
        guard let text = try? String(contentsOf: logFile(name), encoding: .utf8) else { return [:] }
        var counts: [Int: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("answered-by ") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let port = Int(fields[1]) { counts[port, default: 0] += 1 }
        }
        return counts
    }

    /// Starts `executable`; stdout goes to the returned file, stderr to `stderrFile` (or
    /// the same file).
    @discardableResult
    func launch(name: String, _ executable: String, _ arguments: [String],
                environment: [String: String] = [:], stderrFile: URL? = nil) throws -> URL {
        launches += 1
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = workDir
        let output = workDir.appendingPathComponent("\(name)-\(launches).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        if let stderrFile {
            _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: stderrFile)
        } else {
            process.standardError = handle
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes[name] = process
        return output
    }

    /// Children of Foundation's Process start with most signals blocked, so SIGTERM may
    /// not land (parleyd unblocks them itself); SIGKILL always does.
    static func kill(_ process: Process) {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Polls `condition` every 50 ms until it holds; returns the seconds waited.
    func waitUntil(_ what: String, timeoutS: Double, _ condition: () throws -> Bool) async throws -> Double {
        let start = Date()
        while true {
            if try condition() { return Date().timeIntervalSince(start) }
            if Date().timeIntervalSince(start) > timeoutS {
                throw ClusterError(code: .timeout, context: "waited \(timeoutS) s for \(what)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func run(_ executable: String, _ arguments: [String],
                    environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
