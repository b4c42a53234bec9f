// Real processes on loopback for the cluster tests: the Kamailio front (started through
// Scripts/cluster/start.sh), node processes and SIPp trunks. Every process is stopped and
// every file removed by `shutdown()`, which the tests call from `defer`.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How to launch one node behind the front. Today a SIPp UAS stands in for parleyd;
/// `nodeCommand` is the one place that changes when parleyd replaces it.
struct NodeCommand {
    var executable: String
    var arguments: [String]
}

/// What a node does with the traffic it gets.
enum NodeMode {
    /// Answers OPTIONS and INVITE with 200.
    case serving
    /// Answers OPTIONS and INVITE with 503 (parleyd: after SIGTERM, or full).
    case draining
    /// Answers OPTIONS with 200; rings on INVITE until the caller cancels.
    case ringing
}

/// The launch command of the node `name` listening for SIP on 127.0.0.1:`sipPort`.
func nodeCommand(name: String, sipPort: Int, mediaPort: Int, mode: NodeMode, workDir: URL) -> NodeCommand {
    let scenario = switch mode {
    case .serving: "node-uas.xml"
    case .draining: "node-draining.xml"
    case .ringing: "node-ringing.xml"
    }
    return NodeCommand(
        executable: "/usr/bin/env",
        arguments: [
            "sipp", "-sf", ClusterHarness.repoRoot.appendingPathComponent("examples/cluster/sipp/\(scenario)").path,
            "-i", "127.0.0.1", "-p", String(sipPort), "-mp", String(mediaPort),
            "-aa",  // OPTIONS probes to a serving or ringing node get 200 OK
            "-nostdin", "-trace_err", "-error_file", workDir.appendingPathComponent("\(name)-errors.log").path,
        ]
    )
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
    private var processes: [String: Process] = [:]
    private var kamailioStarted = false

    var ctlSocket: String { "unix:" + workDir.appendingPathComponent("kamailio_ctl").path }

    init() throws {
        for tool in ["sipp", "kamailio", "kamcmd", "perl"] {
            let status = try Self.run("/bin/sh", ["-c", "command -v \(tool)"]).status
            guard status == 0 else {
                throw ClusterError(code: .missingTool,
                                   context: "\(tool) not found: apt-get install -y kamailio sip-tester")
            }
        }
        // Ports from the process id so parallel runs on the machine do not collide.
        basePort = 20000 + Int(getpid() % 1000) * 40
        nextPort = basePort + 1
        kamailioPort = basePort
        let id = UUID().uuidString.prefix(8)
        workDir = Self.repoRoot.appendingPathComponent(".data/cluster-test-\(getpid())-\(id)")
        try FileManager.default.createDirectory(at: workDir, withIntermediateDirectories: true)
    }

    /// A fresh loopback port from this run's block.
    func allocatePort(count: Int = 1) -> Int {
        defer { nextPort += count }
        return nextPort
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

    func startNode(name: String, sipPort: Int, mediaPort: Int, mode: NodeMode = .serving) throws {
        let command = nodeCommand(name: name, sipPort: sipPort, mediaPort: mediaPort, mode: mode, workDir: workDir)
        try launch(name: name, command.executable, command.arguments)
    }

    /// SIGKILL: what a crashed node looks like to the front.
    func killNode(name: String) {
        guard let process = processes.removeValue(forKey: name) else { return }
        Self.kill(process)
    }

    /// Starts a SIPp trunk placing `calls` calls at `rate` per second through the front,
    /// each lasting `talkMs` between ACK and BYE, with a scenario of examples/cluster/sipp.
    func startTrunk(name: String, scenario: String = "trunk-uac.xml", calls: Int, rate: Int, talkMs: Int) throws {
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
        ])
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

    private func logFile(_ name: String) -> URL { workDir.appendingPathComponent("\(name)-calls.log") }
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

    private func launch(name: String, _ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = workDir
        let output = workDir.appendingPathComponent("\(name)-\(processes.count).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes[name] = process
    }

    /// Children of Foundation's Process start with most signals blocked, so SIGTERM may
    /// not land; SIGKILL always does.
    private static func kill(_ process: Process) {
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
