import Foundation
import Testing

/// Runs SIPp (Debian `sip-tester`) as a child process in a scratch folder.
struct SIPp {
    struct Run {
        let status: Int32
        let output: String
        let errors: String
        let timedOut: Bool
    }

    static let executable = "/usr/bin/sipp"
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scenarios")

    static func scenario(_ name: String) throws -> String {
        let path = scenarios.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else { throw HarnessError(description: "scenario missing: \(path)") }
        return path
    }

    /// Starts SIPp with `arguments`; `whileRunning` runs once it started.
    static func run(_ arguments: [String], timeoutSeconds: Double, whileRunning: () -> Void = {}) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw HarnessError(description: "SIPp missing: apt-get install -y sip-tester")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parley-sipp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + ["-nostdin", "-trace_err", "-trace_stat", "-timeout", "\(Int(timeoutSeconds))s", "-timeout_error"]
        process.currentDirectoryURL = dir
        let outURL = dir.appendingPathComponent("stdout.txt")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        whileRunning()
        let deadline = Date().addingTimeInterval(timeoutSeconds + 5)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        try? out.close()
        let output = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        var errors = ""
        if let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) {
            for f in files where f.hasSuffix("_errors.log") {
                errors += (try? String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)) ?? ""
            }
        }
        return Run(status: process.terminationStatus, output: String(output.suffix(4000)), errors: String(errors.suffix(4000)),
                   timedOut: timedOut)
    }
}

/// MD5 hex of `text` by /usr/bin/md5sum.
func md5sum(_ text: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/md5sum")
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}
