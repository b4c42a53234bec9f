// HTTPServer+C — the calls into libmicrohttpd and its callbacks.
//
// Safety invariants:
// - The daemon's callback context is the HTTPServer, retained (Unmanaged.passRetained) in
//   `MHDDaemonRef.start` and released only after MHD_stop_daemon has returned, when no
//   callback can run any more.
// - Each request's `*con_cls` is an HTTPExchange retained in the URI log callback (which
//   libmicrohttpd calls once per request, after the request line) and released exactly
//   once in the request-completed callback, which libmicrohttpd calls for every request
//   the URI log callback saw; the slot is set to nil when it is released.
// - C strings from libmicrohttpd (uri, method, version, header names and values) and
//   `upload_data` are valid only during the callback: they are copied into Swift values
//   at once and never kept.
// - `MHD_Connection` pointers are used on the polling thread inside callbacks, and from
//   other threads only for MHD_resume_connection, under HTTPServer's state lock while the
//   connection is listed as suspended; `stop()` empties that list under the same lock
//   before MHD_stop_daemon, so no resume can reach a closed connection.
// - A response buffer is copied by libmicrohttpd (.RESPMEM_MUST_COPY) before
//   MHD_create_response_from_buffer returns.
import CMicroHTTPD
import Glibc

/// The running daemon and the retained server its callbacks see.
struct MHDDaemonRef: @unchecked Sendable {
    let raw: OpaquePointer
    let context: Unmanaged<HTTPServer>

    static func start(server: HTTPServer) throws(HTTPServerError) -> MHDDaemonRef {
        let configuration = server.configuration
        let address = configuration.listenAddress
        let context = Unmanaged.passRetained(server)
        let flags = MHD_USE_AUTO_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
        errno = 0
        let bytes = address.addressBytes
        let daemon = bytes.withUnsafeBufferPointer { buffer in
            parley_mhd_start(
                flags, buffer.baseAddress, buffer.count, address.port,
                mhdAccessHandler, context.toOpaque(),
                mhdRequestCompleted, context.toOpaque(),
                mhdURILog, context.toOpaque(),
                UInt32(clamping: max(1, configuration.maxConnections)),
                configuration.connectionTimeoutSeconds,
                configuration.limits.connectionMemoryBytes)
        }
        guard let daemon else {
            let failure = errno
            context.release()
            throw HTTPServerError(.startFailed, errno: failure, context: "listen on \(address)")
        }
        return MHDDaemonRef(raw: daemon, context: context)
    }

    var boundPort: UInt16 { parley_mhd_bound_port(raw) }

    var connectionCount: UInt32 { parley_mhd_connection_count(raw) }

    /// Closes every connection and joins the polling thread; then no callback runs.
    func stop() {
        MHD_stop_daemon(raw)
        context.release()
    }
}

/// A connection handle held while its request is suspended.
struct MHDConnectionRef: @unchecked Sendable {
    let raw: OpaquePointer

    /// Only inside the access handler, on the polling thread.
    func suspend() { MHD_suspend_connection(raw) }

    /// From any thread, while the daemon runs (see the invariants above).
    func resume() { MHD_resume_connection(raw) }
}

// MARK: callbacks (polling thread)

/// After the request line: the exchange for this request becomes `*con_cls`.
private let mhdURILog: parley_mhd_uri_log_callback = { _, uri, _ in
    let target = uri.map { String(cString: $0) } ?? ""
    return Unmanaged.passRetained(HTTPExchange(target: target)).toOpaque()
}

private let mhdRequestCompleted: MHD_RequestCompletedCallback = { _, _, slot, _ in
    guard let slot, let pointer = slot.pointee else { return }
    slot.pointee = nil
    Unmanaged<HTTPExchange>.fromOpaque(pointer).release()
}

private let mhdAccessHandler: MHD_AccessHandlerCallback = { cls, connection, _, method, version, uploadData, uploadSize, slot in
    guard let cls, let connection, let slot, let pointer = slot.pointee, let uploadSize else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    let exchange = Unmanaged<HTTPExchange>.fromOpaque(pointer).takeUnretainedValue()
    let limits = server.configuration.limits

    switch exchange.phase {
    case .head:
        exchange.method = method.map { String(cString: $0) } ?? ""
        exchange.minorVersion = version.map { String(cString: $0) } == "HTTP/1.0" ? 0 : 1
        _ = MHD_get_connection_values(connection, .HEADER_KIND, mhdCollectHeader, pointer)
        if let error = exchange.checkHead(limits) {
            exchange.phase = .answered
            return queue(error.response, on: connection, close: true)
        }
        exchange.phase = .body
        return .YES

    case .body:
        let size = uploadSize.pointee
        if size > 0 {
            // Only a chunked body can get here over the limit (Content-Length was checked).
            guard exchange.body.count + size <= limits.maxBodyBytes, let uploadData else { return .NO }
            uploadData.withMemoryRebound(to: UInt8.self, capacity: size) { bytes in
                exchange.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: size))
            }
            uploadSize.pointee = 0
            return .YES
        }
        exchange.phase = .handling
        if server.dispatch(exchange, on: MHDConnectionRef(raw: connection)) { return .YES }
        exchange.phase = .answered
        return queue(.error(status: 503, code: "unavailable", message: "server stopping"), on: connection, close: true)

    case .handling:
        if let response = exchange.outcome.response {
            exchange.phase = .answered
            return queue(response, on: connection, close: false)
        }
        if server.isStopping {
            exchange.phase = .answered
            return queue(.error(status: 503, code: "unavailable", message: "server stopping"), on: connection, close: true)
        }
        return .YES

    case .answered:
        uploadSize.pointee = 0
        return .YES
    }
}

private let mhdCollectHeader: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return .YES }
    let exchange = Unmanaged<HTTPExchange>.fromOpaque(cls).takeUnretainedValue()
    exchange.addHeader(name: String(cString: key), value: value.map { String(cString: $0) } ?? "")
    return .YES
}

/// Queues `response`; `close` adds `Connection: close` (libmicrohttpd then closes after it).
/// libmicrohttpd writes Content-Length itself and leaves the body out for HEAD.
private func queue(_ response: HTTPResponse, on connection: OpaquePointer, close: Bool) -> MHD_Result {
    let created = response.body.withUnsafeBytes { buffer in
        MHD_create_response_from_buffer(buffer.count, UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                                        .RESPMEM_MUST_COPY)
    }
    guard let created else { return .NO }
    defer { MHD_destroy_response(created) }
    for header in response.headers where !HTTPResponse.framingHeaders.contains(header.name.lowercased()) {
        _ = MHD_add_response_header(created, header.name, header.value)
    }
    if close { _ = MHD_add_response_header(created, "Connection", "close") }
    return MHD_queue_response(connection, UInt32(clamping: response.status), created)
}
