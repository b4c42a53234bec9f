import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP server on 127.0.0.1 (or ::1) for the transport's failure cases: every connection gets
/// the same behaviour, run on its own thread. `stop()` closes the listener and every socket.
final class ScriptedTCPServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Never accepts: connections complete in the kernel's backlog and get no answer.
        case neverAccept
        /// Never accepts, backlog 0 filled by two idle connections: the kernel drops further
        /// SYNs, so connecting times out.
        case dropConnects
        /// Accepts, reads the request, never answers.
        case acceptAndHold
        /// Reads the request head (and its Content-Length body), writes `reply`, then holds
        /// the connection open (`closeAfter` false) or closes it.
        case reply([UInt8], closeAfter: Bool)
        /// Reads only the request head, writes `reply` at once and closes, leaving the body
        /// unread (a server refusing a request early: 413, 401).
        case replyBeforeBody([UInt8])
    }

    let port: Int
    private let listener: Int32
    private let behaviour: Behaviour
    /// Open connection sockets. Closing one and shutting them down both happen under this
    /// lock, so `stop()` never shuts down a number the kernel has already given to another socket.
    private let sockets = Mutex<(open: [Int32], stopped: Bool)>(([], false))
    private let stopped = Atomic<Bool>(false)
    /// Whether a thread accepts on `listener` (and so closes it when it ends).
    private var hasAcceptLoop = false
    /// Connections accepted so far.
    let acceptedCount = Atomic<Int>(0)
    /// The last request head read (for `.reply` and `.acceptAndHold`).
    let lastRequestHead = Mutex<String>("")
    let isIPv6: Bool
    /// The idle client sockets filling a `.dropConnects` backlog.
    private var fillers: [Int32] = []

    init(_ behaviour: Behaviour, ipv6: Bool = false) throws {
        self.behaviour = behaviour
        isIPv6 = ipv6
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        var length: socklen_t
        if ipv6 {
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    address.pointee.sin6_family = sa_family_t(AF_INET6)
                    address.pointee.sin6_addr = in6addr_loopback
                }
            }
        } else {
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    address.pointee.sin_family = sa_family_t(AF_INET)
                    address.pointee.sin_addr.s_addr = inet_addr("127.0.0.1")
                }
            }
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        var isFull = false
        if case .dropConnects = behaviour { isFull = true }
        guard bound == 0, listen(fd, isFull ? 0 : 1024) == 0 else {
            close(fd)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot listen on loopback"])
        }
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        // sin_port and sin6_port sit at the same offset.
        port = Int(withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        })
        if isFull {
            for _ in 0..<2 { fillers.append(Self.connectWithoutWaiting(port: port, ipv6: ipv6)) }
        }
        switch behaviour {
        case .neverAccept, .dropConnects: return
        default: break
        }
        hasAcceptLoop = true
        Thread { [self] in acceptLoop() }.start()
    }

    var url: String { isIPv6 ? "http://[::1]:\(port)/hook" : "http://127.0.0.1:\(port)/hook" }

    /// A loopback port nothing listens on (bound, then closed).
    static func refusedPort() throws -> Int {
        let server = try ScriptedTCPServer(.neverAccept)
        server.stop()
        return server.port
    }

    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // Shutting the listener down wakes a blocked accept(); the accept loop closes it, so its
        // number cannot be reused while accept may still be called with it.
        shutdown(listener, Int32(SHUT_RDWR))
        if !hasAcceptLoop { close(listener) }
        sockets.withLock { state in
            state.stopped = true
            for fd in state.open { shutdown(fd, Int32(SHUT_RDWR)) }
        }
        for fd in fillers { close(fd) }
    }

    private static func connectWithoutWaiting(port: Int, ipv6: Bool) -> Int32 {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                        | Int32(SOCK_CLOEXEC.rawValue), 0)
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            address.sin6_port = UInt16(port).bigEndian
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        return fd
    }

    deinit { stop() }

    private func acceptLoop() {
        defer { close(listener) }
        while !stopped.load(ordering: .acquiring) {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else {
                if errno == EINTR { continue }
                return
            }
            acceptedCount.add(1, ordering: .relaxed)
            let taken = sockets.withLock { state in
                if state.stopped { return false }
                state.open.append(fd)
                return true
            }
            guard taken else {
                close(fd)
                return
            }
            Thread { [self] in serve(fd) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            sockets.withLock { state in
                state.open.removeAll { $0 == fd }
                close(fd)
            }
        }
        if case .replyBeforeBody(let bytes) = behaviour {
            guard readRequest(fd, withBody: false) else { return }
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            return
        }
        guard readRequest(fd) else { return }
        switch behaviour {
        case .neverAccept, .dropConnects, .acceptAndHold, .replyBeforeBody:
            holdUntilClosed(fd)
        case .reply(let bytes, let closeAfter):
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if !closeAfter { holdUntilClosed(fd) }
        }
    }

    /// Reads the head and (`withBody`) a Content-Length body; false if the client went away first.
    private func readRequest(_ fd: Int32, withBody: Bool = true) -> Bool {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = Self.headEnd(received) {
                lastRequestHead.withLock { $0 = String(decoding: received[..<end], as: UTF8.self) }
                let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                if !withBody || received.count - end >= length { return true }
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return false }
            received += buffer[0..<count]
        }
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10
            && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    /// Waits until the client closes or `stop()` shuts the socket down.
    private func holdUntilClosed(_ fd: Int32) {
        var byte: UInt8 = 0
        while recv(fd, &byte, 1, 0) > 0 {}
    }
}
