// A stand-alone reproduction of the FoundationNetworking crash that took parleyd down
// (swift-corelibs-foundation #4791, #5469): many concurrent URLSession POSTs to a refused
// loopback port and to a port that accepts and never answers (request timeouts), in rounds.
// Not part of any target (Package.swift excludes Repro/). Run it as its own process, so a
// crash takes only it down:
//   swiftc -O Tests/ParleyStoreTests/Repro/urlsession-webhook-stress.swift -o /tmp/urlsession-stress
//   /tmp/urlsession-stress [rounds] [concurrency] [timeoutMs] [both|refused|silent|held|all]
// (silent: a listener that never accepts; held: one that accepts, reads and never answers;
// connect: a full backlog-0 listener, so SYNs are dropped and connects time out;
// both: refused + silent; all: refused, silent and held in turn).
// It prints one line per round (outcomes, slowest answer per outcome) and "SURVIVED" at the
// end; a crash shows as a signal exit.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc

let arguments = CommandLine.arguments
let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 50 : 50
let concurrency = arguments.count > 2 ? Int(arguments[2]) ?? 100 : 100
let timeoutMs = arguments.count > 3 ? Int(arguments[3]) ?? 300 : 300
let mode = arguments.count > 4 ? arguments[4] : "both"

/// A listening socket on 127.0.0.1 that never accepts: connects complete (backlog), no answer.
func silentListener(backlog: Int32 = 4096) -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    listen(fd, backlog)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getsockname(fd, $0, &length) } }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

/// A port nothing listens on (bound then closed).
func refusedPort() -> Int {
    let (fd, port) = silentListener()
    close(fd)
    return port
}

let silent = silentListener()
let refused = refusedPort()
let held = silentListener()
// Backlog 0, filled by two idle connections: the kernel drops further SYNs.
let full = silentListener(backlog: 0)
for _ in 0..<2 {
    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(full.port).bigEndian
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
}
// Accepts every connection and keeps it open, reading and discarding, never answering.
Thread {
    while true {
        let fd = accept(held.fd, nil, nil)
        if fd < 0 { continue }
        Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while recv(fd, &buffer, buffer.count, 0) > 0 {}
            close(fd)
        }.start()
    }
}.start()
let configuration = URLSessionConfiguration.ephemeral
configuration.httpCookieStorage = nil
configuration.urlCache = nil
// URLSESSION_SESSION_TIMEOUT=1 also sets the session's request timeout (the request's own
// timeoutInterval alone was not honoured here: 300 ms requests to a silent port took 120 s).
if ProcessInfo.processInfo.environment["URLSESSION_SESSION_TIMEOUT"] == "1" {
    configuration.timeoutIntervalForRequest = Double(timeoutMs) / 1000
}
// URLSESSION_CHURN=1: a fresh session per round, invalidated (cancelling what is in flight)
// half-way through the timeout, racing the refusals and timeouts (#4791's teardown path).
let churn = ProcessInfo.processInfo.environment["URLSESSION_CHURN"] == "1"
nonisolated(unsafe) var session = URLSession(configuration: configuration)
let body = Data(#"{"call_id":"stress","tags":{"coupon":"sent"}}"#.utf8)

func post(_ port: Int, _ currentSession: URLSession) async -> (String, Double) {
    let started = Date()
    let result = await postOnce(port, currentSession)
    return (result, Date().timeIntervalSince(started))
}

func postOnce(_ port: Int, _ currentSession: URLSession) async -> String {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/hook")!,
                             timeoutInterval: Double(timeoutMs) / 1000)
    request.httpMethod = "POST"
    request.httpBody = body
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    do {
        let (_, response) = try await currentSession.data(for: request)
        return "status \((response as? HTTPURLResponse)?.statusCode ?? -1)"
    } catch let error as URLError {
        return "URLError \(error.code.rawValue)"
    } catch {
        return "error"
    }
}

let start = Date()
for round in 1...rounds {
    if churn { session = URLSession(configuration: configuration) }
    let roundSession = session
    if churn {
        Task {
            try? await Task.sleep(for: .milliseconds(timeoutMs / 2))
            roundSession.invalidateAndCancel()
        }
    }
    var tally: [String: Int] = [:]
    var slowest: [String: Double] = [:]
    await withTaskGroup(of: (String, Double).self) { group in
        for index in 0..<concurrency {
            let port: Int
            switch mode {
            case "refused": port = refused
            case "silent": port = silent.port
            case "held": port = held.port
            case "connect": port = full.port
            case "all": port = [refused, silent.port, held.port][index % 3]
            default: port = index % 2 == 0 ? refused : silent.port
            }
            group.addTask { await post(port, roundSession) }
        }
        for await (result, seconds) in group {
            tally[result, default: 0] += 1
            slowest[result] = max(slowest[result] ?? 0, seconds)
        }
    }
    let summary = tally.sorted { $0.key < $1.key }
        .map { "\($0.key)=\($0.value) (slowest \(String(format: "%.2f", slowest[$0.key] ?? 0)) s)" }
        .joined(separator: " ")
    print(String(format: "round %d  %.1f s  %@", round, Date().timeIntervalSince(start), summary))
    fflush(stdout)
}
print("SURVIVED \(rounds) rounds of \(concurrency) POSTs")
