#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A child process started with `posix_spawn` and a clean signal state: unlike Foundation's
/// `Process` (whose children start with most signals blocked), SIGTERM, SIGINT and SIGHUP reach
/// it with their default dispositions, as they would from systemd or a shell. Each child leads its
/// own process group. Standard output and error go to files; the child is stopped by its pid only.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let name: String
    let stdoutPath: String
    let stderrPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?
    private var signalled: Int32?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `executable` with `arguments`; `directory` is its working directory.
    init(_ executable: String, _ arguments: [String], name: String, stdoutPath: String, stderrPath: String,
         directory: String? = nil, environment: [String: String] = [:]) throws {
        self.name = name
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Its own process group: a signal a child sends to its group (SIPp's exec'd helpers do)
        // reaches neither the test runner nor the daemon under test.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        // A working directory: through `sh -c 'cd DIR && exec …'` (the exec keeps the pid; glibc's
        // posix_spawn_file_actions_addchdir_np is not visible to Swift).
        let program = directory == nil ? executable : "/bin/sh"
        let command = directory.map { ["/bin/sh", "-c", #"cd "$0" && exec "$@""#, $0, executable] } ?? [executable]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, program, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw Failure(description: "\(name): posix_spawn \(executable) failed: \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// Reaps the child if it has exited; true while it runs.
    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus != nil || signalled != nil { return false }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid {
            record(status)
            return false
        }
        return r == 0
    }

    private func record(_ status: Int32) {
        let low = status & 0x7f
        if low == 0 {
            exitStatus = (status >> 8) & 0xff
        } else {
            signalled = low
        }
    }

    /// The exit status, or nil while running or when killed by a signal.
    var terminationStatus: Int32? {
        _ = isRunning
        lock.lock()
        defer { lock.unlock() }
        return exitStatus
    }

    /// The signal that ended it, if one did.
    var terminationSignal: Int32? {
        _ = isRunning
        lock.lock()
        defer { lock.unlock() }
        return signalled
    }

    /// Waits until the child exits (polling `waitpid`); false on timeout.
    @discardableResult
    func waitForExit(timeoutSeconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while isRunning {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }

    func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// SIGKILL and reap. Safe to call more than once.
    func kill9() {
        if isRunning {
            kill(pid, SIGKILL)
            waitForExit(timeoutSeconds: 10)
        }
    }

    /// SIGTERM, then SIGKILL if it has not exited after `graceSeconds`.
    func stop(graceSeconds: Double = 3) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        if !waitForExit(timeoutSeconds: graceSeconds) { kill9() }
    }

    var standardOutput: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    deinit { kill9() }
}

/// Waits until `condition` holds, re-checking every `intervalMs`; false on timeout.
func waitUntil(timeoutSeconds: Double, intervalMs: UInt32 = 50, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while true {
        if try condition() { return true }
        if Date() > deadline { return false }
        usleep(intervalMs * 1000)
    }
}

/// Runs a short command to completion and returns its standard output (errors included on failure).
func runTool(_ executable: String, _ arguments: [String], timeoutSeconds: Double = 30) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parleyd-tool-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let child = try ChildProcess(executable, arguments, name: (executable as NSString).lastPathComponent,
                                 stdoutPath: dir + "/out", stderrPath: dir + "/err")
    guard child.waitForExit(timeoutSeconds: timeoutSeconds) else {
        child.kill9()
        throw ChildProcess.Failure(description: "\(child.name) did not finish in \(timeoutSeconds) s")
    }
    guard child.terminationStatus == 0 else {
        throw ChildProcess.Failure(description: "\(child.name) \(arguments.joined(separator: " ")) failed (\(child.terminationStatus.map(String.init) ?? "signal")): \(child.standardError.suffix(2000))")
    }
    return child.standardOutput
}
