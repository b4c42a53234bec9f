// parleyd nodes for the cluster tests: each with its own configuration file, node id, SIP
// port, RTP port range, data directory (SQLite store) and an admin API on a port the OS
// picks, started through `nodeCommand` and waited for by its ready line.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One node behind the front: where it listens and where it keeps its files. A node keeps
/// its directory (configuration, store) across restarts.
struct ParleydNode {
    var name: String
    var sipPort: Int
    var rtpPortStart: Int
    var maxCalls: Int
    var drainTimeoutS: Int
    var directory: URL
    /// The admin API port of the node's current life (from its ready line).
    var adminPort: Int?

    var nodeID: String { name }
    var uri: String { "sip:127.0.0.1:\(sipPort)" }
    var configFile: URL { directory.appendingPathComponent("parleyd.yaml") }
    var dataDirectory: URL { directory.appendingPathComponent("data") }
    var database: URL { dataDirectory.appendingPathComponent("parley.sqlite") }
    /// RTP takes an even port and RTCP the one above, per call.
    var rtpPortCount: Int { maxCalls * 2 }

    /// The demo configuration (examples/demo/parleyd.yaml) made per node: own node id,
    /// ports and data directory, the demo script by absolute path, no webhook endpoints.
    var configuration: String {
        let script = ClusterHarness.repoRoot.appendingPathComponent("examples/demo/member-care.yaml").path
        return """
            # parleyd node \(name) of a cluster test run (written by ClusterHarness+Parleyd.swift)
            node_id: \(nodeID)
            sip:
              listen: ["127.0.0.1:\(sipPort)"]
              limits:
                max_calls: \(maxCalls)
                # Every request comes from the front's one address: a per-source limit
                # would throttle the whole cluster's traffic.
                rate_limit_per_second: 0
                retry_after_s: 2
            rtp:
              bind_address: 127.0.0.1
              port_range: {start: \(rtpPortStart), end: \(rtpPortStart + rtpPortCount - 1)}
            media:
              codecs: [pcmu]
              timeout_s: 30
            routing:
              default_script: "\(script)"
            recognizer:
              engine: embedded
              embedded: {grammar_decoders: 2, lm_decoders: 0, prewarm_decoders: 1, worker_threads: 1}
            data_dir: "\(dataDirectory.path)"
            drain_timeout_s: \(drainTimeoutS)
            admin:
              listen: "127.0.0.1:0"

            """
    }
}

/// A node's `calls` table, read with the sqlite3 shell.
struct NodeCallRecords {
    /// Rows per `node_id`.
    var byNodeID: [String: Int]
    /// Rows with `ended_at` set.
    var ended: Int
    /// Rows per disposition ("-" while none).
    var byDisposition: [String: Int]
    /// SIP Call-IDs of the rows.
    var sipCallIDs: Set<String>
    var total: Int { byNodeID.values.reduce(0, +) }
}

extension ClusterHarness {
    static var parleydPath: String {
        ProcessInfo.processInfo.environment["PARLEYD"]
            ?? repoRoot.appendingPathComponent(".build/debug/parleyd").path
    }

    /// A node with fresh ports and its own directory; not started.
    func makeNode(name: String, maxCalls: Int = 30, drainTimeoutS: Int = 30) throws -> ParleydNode {
        let sipPort = allocatePort()
        let rtpPortStart = allocateRTPRange(count: maxCalls * 2)
        let directory = workDir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let node = ParleydNode(name: name, sipPort: sipPort, rtpPortStart: rtpPortStart, maxCalls: maxCalls,
                               drainTimeoutS: drainTimeoutS, directory: directory)
        nodes[name] = node
        return node
    }

    /// Starts `node` (again, after a kill: same directory and store) and, for parleyd,
    /// waits for its ready line. Returns the seconds from launch to ready.
    @discardableResult
    func startNode(_ node: ParleydNode, mode: NodeMode = .parleyd) async throws -> Double {
        try await startNodes([node], mode: mode)[0]
    }

    /// Launches every node, then waits for each one's ready line (parleyd).
    @discardableResult
    func startNodes(_ list: [ParleydNode], mode: NodeMode = .parleyd, readyTimeoutS: Double = 60) async throws -> [Double] {
        var launched: [(node: ParleydNode, stdout: URL, stderr: URL, process: Process)] = []
        let start = Date()
        for node in list {
            let command = nodeCommand(node, mode: mode, workDir: workDir)
            if mode == .parleyd { try node.configuration.write(to: node.configFile, atomically: true, encoding: .utf8) }
            let stderr = node.directory.appendingPathComponent("log-\(Int(Date().timeIntervalSince1970 * 1000)).jsonl")
            let stdout = try launch(name: node.name, command.executable, command.arguments,
                                    environment: command.environment, stderrFile: stderr)
            guard let process = processes[node.name] else { throw ClusterError(code: .launchFailed, context: node.name) }
            launched.append((node, stdout, stderr, process))
        }
        guard mode == .parleyd else {
            // A SIPp stand-in prints no ready line: wait until its SIP socket is bound, or
            // the front's first INVITE may find nobody there.
            for node in list {
                _ = try await waitUntil("\(node.name) bound to UDP \(node.sipPort)", timeoutS: readyTimeoutS) {
                    Self.udpPortBound(node.sipPort)
                }
            }
            return list.map { _ in Date().timeIntervalSince(start) }
        }
        var seconds: [Double] = []
        for (node, stdout, stderr, process) in launched {
            var readyLine: Substring?
            _ = try await waitUntil("\(node.name) ready line", timeoutS: readyTimeoutS) {
                let text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
                readyLine = text.split(separator: "\n").first { $0.hasPrefix("parleyd: ready ") }
                if readyLine == nil, !process.isRunning {
                    let log = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
                    throw ClusterError(code: .launchFailed,
                                       context: "\(node.name) exited \(process.terminationStatus): \(log.suffix(2000))")
                }
                return readyLine != nil
            }
            seconds.append(Date().timeIntervalSince(start))
            // parleyd: ready sip=127.0.0.1:P admin=127.0.0.1:Q
            let admin = readyLine?.split(separator: " ").first { $0.hasPrefix("admin=") }
            nodes[node.name]?.adminPort = admin.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
        }
        return seconds
    }

    /// Whether some socket is bound to UDP `port` on 127.0.0.1 or any address (/proc/net/udp).
    static func udpPortBound(_ port: Int) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8) else { return false }
        let suffix = ":" + String(format: "%04X", port)
        return table.split(separator: "\n").dropFirst().contains { line in
            let local = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? ""
            return local.hasSuffix(suffix) && (local.hasPrefix("0100007F") || local.hasPrefix("00000000"))
        }
    }

    /// SIGKILL: what a crashed node looks like to the front.
    func killNode(_ name: String) {
        guard let process = processes.removeValue(forKey: name) else { return }
        Self.kill(process)
    }

    /// SIGTERM: parleyd drains (it unblocks the signals Foundation's Process blocked).
    func terminateNode(_ name: String) throws {
        guard let process = processes[name], process.isRunning else {
            throw ClusterError(code: .commandFailed, context: "\(name) is not running")
        }
        _ = Glibc.kill(process.processIdentifier, SIGTERM)
    }

    /// Waits for a node to exit by itself; returns its exit status and the seconds waited.
    func waitForExit(_ name: String, timeoutS: Double) async throws -> (status: Int32, seconds: Double) {
        guard let process = processes[name] else { throw ClusterError(code: .commandFailed, context: "no \(name)") }
        let seconds = try await waitUntil("\(name) to exit", timeoutS: timeoutS) { !process.isRunning }
        process.waitUntilExit()
        processes[name] = nil
        return (process.terminationStatus, seconds)
    }

    /// The node's `calls` table (read-only; works while the node runs or after it died).
    func callRecords(_ name: String) throws -> NodeCallRecords {
        guard let node = nodes[name] else { throw ClusterError(code: .commandFailed, context: "no \(name)") }
        let rows = try sqlite(node, "SELECT node_id, coalesce(disposition, '-'), ended_at IS NOT NULL, "
                              + "coalesce(sip_call_id, '') FROM calls")
        var records = NodeCallRecords(byNodeID: [:], ended: 0, byDisposition: [:], sipCallIDs: [])
        for row in rows where row.count == 4 {
            records.byNodeID[row[0], default: 0] += 1
            records.byDisposition[row[1], default: 0] += 1
            if row[2] == "1" { records.ended += 1 }
            records.sipCallIDs.insert(row[3])
        }
        return records
    }

    private func sqlite(_ node: ParleydNode, _ query: String) throws -> [[String]] {
        let result = try Self.run("/usr/bin/env", ["sqlite3", "-readonly", "-separator", "\t", node.database.path, query])
        guard result.status == 0 else {
            throw ClusterError(code: .commandFailed, context: "sqlite3 \(node.database.path): \(result.output)")
        }
        return result.output.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// GET on the node's admin API; returns the status and body.
    func adminGet(_ name: String, _ path: String) async throws -> (status: Int, body: String) {
        guard let port = nodes[name]?.adminPort, let url = URL(string: "http://127.0.0.1:\(port)\(path)") else {
            throw ClusterError(code: .commandFailed, context: "\(name) has no admin port")
        }
        var request = URLRequest(url: url)
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Dialogs a trunk logged as answered by the node on `port`.
    func dialogs(trunk name: String, answeredByPort port: Int) -> [LoggedDialog] {
        guard let text = try? String(contentsOf: logFile(name), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> LoggedDialog? in
            // dialog <node port> <Call-ID> <From tag> <To tag> (...)
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 5, fields[0] == "dialog", fields[1] == String(port) else { return nil }
            return LoggedDialog(nodePort: port, callID: fields[2], fromTag: fields[3], toTag: fields[4])
        }
    }

    /// SIPp arguments that trace a trunk's messages (for `receivedRequests`).
    func messageTraceArguments(trunk name: String) -> [String] {
        ["-trace_msg", "-message_file", workDir.appendingPathComponent("\(name)-messages.log").path]
    }

    /// The top Via of each `method` request a trunk traced as received.
    func receivedRequestTopVias(trunk name: String, method: String) -> [String] {
        let file = workDir.appendingPathComponent("\(name)-messages.log")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        // SIP lines end in CRLF, one Character in Swift: split on any newline.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var vias: [String] = []
        for (index, line) in lines.enumerated() where line.hasPrefix("\(method) sip:") {
            // Only requests the trunk received: the trace block opens with "... message received".
            let opening = lines[..<index].last { !$0.isEmpty }
            guard opening?.contains("message received") == true else { continue }
            if let via = lines[(index + 1)...].first(where: { $0.lowercased().hasPrefix("via:") }) { vias.append(via) }
        }
        return vias
    }

    /// Sends one BYE per dialog through the front (examples/cluster/sipp/trunk-stale-request.xml),
    /// one SIPp run each (SIPp matches responses by Call-ID, so each run takes the
    /// dialog's); returns how many got 481.
    func sendStaleRequests(_ dialogs: [LoggedDialog]) async throws -> Int {
        var answered481 = 0
        for (index, dialog) in dialogs.enumerated() {
            let name = "stale-\(index)"
            try startTrunk(name: name, scenario: "trunk-stale-request.xml", calls: 1, rate: 1, talkMs: 0,
                           extraArguments: ["-cid_str", dialog.callID.replacingOccurrences(of: "%", with: "%%"),
                                            "-key", "node_port", String(dialog.nodePort),
                                            "-key", "from_tag", dialog.fromTag, "-key", "to_tag", dialog.toTag])
            let result = try await finishTrunk(name: name, timeoutS: 15)
            answered481 += result.successfulCalls
        }
        return answered481
    }
}

/// An answered call's dialog, as a trunk logged it.
struct LoggedDialog {
    var nodePort: Int
    var callID: String
    var fromTag: String
    var toTag: String
}
