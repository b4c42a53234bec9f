import Dispatch
import Foundation
import ParleyAdmin
import ParleyRealtime
import ParleyStore
import Synchronization
import Testing

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A response as read off the wire by `TestClient`.
struct WireResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(text)")
        }
        return object
    }
}

/// A minimal blocking HTTP/1.1 client over the realtime TCPConnection. It waits on its own
/// epoll loop (`runOnce` with a timeout), never sleeps.
final class TestClient {
    let connection: TCPConnection
    let loop: EventLoop
    var received: [UInt8] = []
    var closed = false

    convenience init(port: UInt16) throws { try self.init(address: .ipv4Loopback(port: port)) }

    init(address: SocketAddress) throws {
        loop = try EventLoop()
        connection = try TCPConnection.connect(to: address)
        try loop.register(fd: connection.fileDescriptor, interest: [.readable, .writable]) { _ in }
        let deadline = Monotonic.nowMs() + 5000
        while true {
            switch connection.finishConnect() {
            case .connected:
                try loop.modify(fd: connection.fileDescriptor, interest: .readable)
                return
            case .failed(let errno): throw TestFailure("connect failed: errno \(errno)")
            case .inProgress:
                if Monotonic.nowMs() > deadline { throw TestFailure("connect timed out") }
                loop.runOnce(timeoutMs: 100)
            }
        }
    }

    deinit {
        loop.shutdown()
        connection.close()
    }

    /// Closes the connection from this side.
    func close() {
        loop.unregister(fd: connection.fileDescriptor)
        connection.close()
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var remaining = bytes[...]
        let deadline = Monotonic.nowMs() + 5000
        while !remaining.isEmpty {
            switch connection.write(Array(remaining)) {
            case .transferred(let n): remaining = remaining.dropFirst(n)
            case .wouldBlock:
                if Monotonic.nowMs() > deadline { throw TestFailure("send timed out") }
                try loop.modify(fd: connection.fileDescriptor, interest: .writable)
                loop.runOnce(timeoutMs: 100)
                try loop.modify(fd: connection.fileDescriptor, interest: .readable)
            case .closed, .failed: throw TestFailure("send failed")
            }
        }
    }

    /// Reads what is available, waiting up to the deadline for something to arrive.
    func fillOnce(deadline: Int64) throws { try fill(deadline: deadline) }

    private func fill(deadline: Int64) throws {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            switch connection.read(into: &buffer) {
            case .transferred(let n):
                received.append(contentsOf: buffer[0..<n])
                return
            case .closed:
                closed = true
                return
            case .failed(let errno):
                if errno == 104 { closed = true; return } // ECONNRESET
                throw TestFailure("read failed: errno \(errno)")
            case .wouldBlock:
                let left = deadline - Monotonic.nowMs()
                if left <= 0 { throw TestFailure("timed out waiting for data") }
                loop.runOnce(timeoutMs: Int32(min(left, 1000)))
            }
        }
    }

    /// Reads exactly one response (Content-Length framed).
    func readResponse(timeoutMs: Int64 = 5000) throws -> WireResponse {
        let deadline = Monotonic.nowMs() + timeoutMs
        while true {
            if let response = try takeResponse() { return response }
            if closed { throw TestFailure("connection closed before a full response (\(received.count) bytes)") }
            try fill(deadline: deadline)
        }
    }

    private func takeResponse() throws -> WireResponse? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, received.count - 3)).first(where: { Array(received[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let head = String(decoding: received[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
            throw TestFailure("bad status line in \(head)")
        }
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return (String(line[..<colon]), line[colon...].dropFirst().trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        guard received.count >= end + 4 + length else { return nil }
        let body = Array(received[(end + 4)..<(end + 4 + length)])
        received.removeFirst(end + 4 + length)
        return WireResponse(status: status, headers: headers, body: body)
    }

    /// True when the server closes the connection within the timeout.
    func waitForClose(timeoutMs: Int64 = 5000) -> Bool {
        let deadline = Monotonic.nowMs() + timeoutMs
        while !closed {
            do { try fill(deadline: deadline) } catch { return false }
        }
        return true
    }

    /// One request and its response.
    func request(_ method: String, _ target: String, token: String? = nil, body: String? = nil,
                 extraHeaders: [String] = []) throws -> WireResponse {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        for header in extraHeaders { text += header + "\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n\r\n" + body } else { text += "\r\n" }
        try send(text)
        return try readResponse()
    }
}

/// A backend with canned answers that records what it was asked.
final class FakeBackend: AdminBackend {
    struct State {
        var draining = false
        var calls: [AdminCallDetail] = []
        var hungUp: [String] = []
        var reload: ScriptReloadResult = .accepted(scripts: ["demo@1"])
        var exportQueries: [CallQuery] = []
        var campaigns: [String: AdminCampaign] = [:]
        var campaignBodies: [[UInt8]] = []
        /// When set, `reloadScripts` suspends until `releaseReload()`.
        var holdReload = false
        var heldReload: CheckedContinuation<Void, Never>?
        var reloadStarted = false
    }

    let state = Mutex(State())
    let store: CallStore?
    /// Signalled when a held reload has suspended.
    let reloadHeld = DispatchSemaphore(value: 0)

    init(store: CallStore? = nil) {
        self.store = store
        state.withLock { s in
            s.calls = [
                AdminCallDetail(call: AdminCallSummary(callId: "c-1", direction: "inbound", state: "listening",
                                                       script: "demo", startedAtMs: 1_000, answeredAtMs: 1_200),
                                tags: ["offer": "coupon"],
                                turns: [TurnRecord(seq: 1, state: "greeting", prompt: "hello", bargedIn: true, bargeInMs: 180)]),
                AdminCallDetail(call: AdminCallSummary(callId: "c-2", direction: "outbound", state: "ended",
                                                       startedAtMs: 500, endedAtMs: 900, disposition: "completed")),
            ]
        }
    }

    func status() async -> AdminStatus {
        let s = state.withLock { $0 }
        return AdminStatus(nodeId: "node-a", version: "0.1.0", uptimeSeconds: 42,
                           activeCalls: s.calls.filter { $0.call.endedAtMs == nil }.count, draining: s.draining)
    }

    func calls(activeOnly: Bool) async throws(AdminError) -> [AdminCallSummary] {
        state.withLock { s in s.calls.map(\.call).filter { !activeOnly || $0.endedAtMs == nil } }
    }

    func call(id: String) async throws(AdminError) -> AdminCallDetail {
        guard let found = state.withLock({ s in s.calls.first { $0.call.callId == id } }) else {
            throw AdminError(.notFound, "no such call")
        }
        return found
    }

    func hangUp(callId: String) async throws(AdminError) {
        let known = state.withLock { s -> Bool? in
            guard let call = s.calls.first(where: { $0.call.callId == callId }) else { return nil }
            if call.call.endedAtMs != nil { return false }
            s.hungUp.append(callId)
            return true
        }
        guard let known else { throw AdminError(.notFound, "no such call") }
        if !known { throw AdminError(.conflict, "call already ended") }
    }

    func startDrain() async -> AdminDrainState {
        state.withLock { s in
            s.draining = true
            return AdminDrainState(draining: true, activeCalls: s.calls.filter { $0.call.endedAtMs == nil }.count)
        }
    }

    func reloadScripts() async -> ScriptReloadResult {
        if state.withLock({ $0.holdReload }) {
            await withCheckedContinuation { continuation in
                state.withLock { s in
                    s.heldReload = continuation
                    s.reloadStarted = true
                }
                reloadHeld.signal()
            }
        }
        return state.withLock { $0.reload }
    }

    func releaseReload() {
        let held = state.withLock { s -> CheckedContinuation<Void, Never>? in
            defer { s.heldReload = nil; s.holdReload = false }
            return s.heldReload
        }
        held?.resume()
    }

    func exportCalls(matching query: CallQuery) async throws(AdminError) -> [CallRow] {
        state.withLock { $0.exportQueries.append(query) }
        guard let store else { return [] }
        do { return try await store.calls(matching: query) } catch { throw AdminError(.internalError, "\(error)") }
    }

    func createCampaign(json body: [UInt8]) async throws(AdminError) -> AdminCampaign {
        struct Spec: Decodable { let name: String }
        guard let spec = try? JSONDecoder().decode(Spec.self, from: Data(body)) else {
            throw AdminError(.invalidRequest, "body must be a JSON object with a name")
        }
        return state.withLock { s in
            let campaign = AdminCampaign(id: "k-\(s.campaigns.count + 1)", name: spec.name, state: "running")
            s.campaigns[campaign.id] = campaign
            s.campaignBodies.append(body)
            return campaign
        }
    }

    func campaign(id: String) async throws(AdminError) -> AdminCampaign {
        guard let found = state.withLock({ $0.campaigns[id] }) else { throw AdminError(.notFound, "no such campaign") }
        return found
    }

    func pauseCampaign(id: String) async throws(AdminError) -> AdminCampaign { try setCampaign(id, "paused") }
    func resumeCampaign(id: String) async throws(AdminError) -> AdminCampaign { try setCampaign(id, "running") }

    private func setCampaign(_ id: String, _ newState: String) throws(AdminError) -> AdminCampaign {
        guard let found = state.withLock({ s -> AdminCampaign? in
            s.campaigns[id]?.state = newState
            return s.campaigns[id]
        }) else { throw AdminError(.notFound, "no such campaign") }
        return found
    }
}

/// An admin server on 127.0.0.1 (kernel-chosen port) on libmicrohttpd's thread.
final class AdminFixture {
    static let token = "t0ken-for-tests"
    let server: AdminServer
    let backend: FakeBackend
    let metrics: MetricsRegistry
    let port: UInt16

    init(backend: FakeBackend = FakeBackend(), configure: (inout AdminServer.Configuration) -> Void = { _ in }) throws {
        var configuration = AdminServer.Configuration(listenAddress: .ipv4Loopback(port: 0), token: Self.token)
        configure(&configuration)
        metrics = MetricsRegistry(constantLabels: ["node": "node-a"])
        self.backend = backend
        server = AdminServer(configuration: configuration, backend: backend, metrics: metrics)
        try server.start()
        port = try #require(server.localAddress?.port)
    }

    func client() throws -> TestClient { try TestClient(port: port) }

    /// A client whose `POST /v1/scripts/reload` is held in the backend (its connection
    /// suspended) until `backend.releaseReload()`.
    func clientWithReloadHeld() throws -> TestClient {
        backend.state.withLock { $0.holdReload = true }
        let client = try client()
        try client.send("POST /v1/scripts/reload HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer \(Self.token)\r\n\r\n")
        #expect(backend.reloadHeld.wait(timeout: .now() + 5) == .success)
        return client
    }

    func close() {
        server.stop()
    }
}

/// Runs a blocking test body on its own thread, so that it never occupies a thread of the
/// cooperative pool that the server's request tasks need (the machine may have 2 cores).
func blocking(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let thread = Thread {
            do {
                try body()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}
