// HTTPExchange — one request on its way through libmicrohttpd: what has arrived so far,
// where it stands, and the slot the handler's answer is put in.
//
// Ownership: created when libmicrohttpd has read the request line (its URI log callback),
// retained by the connection's `*con_cls`, released in the request-completed callback.
// Every field except `outcome` is touched only on libmicrohttpd's polling thread.

import Synchronization

final class HTTPExchange {
    enum Phase {
        /// Request line and header fields received; the first access callback has not run.
        case head
        /// Receiving the body.
        case body
        /// Handed to the handler; the connection is suspended until the answer arrives.
        case handling
        /// A response is queued.
        case answered
    }

    /// The request target as sent (`/v1/calls?active=true`), before libmicrohttpd decodes it.
    let target: String
    var method = ""
    var minorVersion = 1
    var headers: [HTTPHeader] = []
    var headerBytes = 0
    var body: [UInt8] = []
    var phase = Phase.head
    let outcome = HTTPExchangeOutcome()

    init(target: String) {
        self.target = target
    }

    var request: HTTPRequest {
        HTTPRequest(method: method, target: target, minorVersion: minorVersion, headers: headers, body: body)
    }

    /// The limits a parsed head must meet, checked before any body is read.
    func checkHead(_ limits: HTTPLimits) -> HTTPRequestError? {
        if target.utf8.count > limits.maxRequestLineBytes {
            return HTTPRequestError(.requestLineTooLong, "request target over \(limits.maxRequestLineBytes) bytes")
        }
        if headers.count > limits.maxHeaderCount {
            return HTTPRequestError(.tooManyHeaders, "more than \(limits.maxHeaderCount) header fields")
        }
        if headerBytes > limits.maxHeaderBytes {
            return HTTPRequestError(.headersTooLarge, "header fields over \(limits.maxHeaderBytes) bytes")
        }
        if let length = header("Content-Length").flatMap({ Int($0) }), length > limits.maxBodyBytes {
            return HTTPRequestError(.bodyTooLarge, "body over \(limits.maxBodyBytes) bytes")
        }
        return nil
    }

    func addHeader(name: String, value: String) {
        headers.append(HTTPHeader(name: name, value: value))
        headerBytes += name.utf8.count + value.utf8.count + 4
    }

    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// The handler's answer, written by the handler's task and read on the polling thread.
final class HTTPExchangeOutcome: Sendable {
    private let slot = Mutex<HTTPResponse?>(nil)

    func set(_ response: HTTPResponse) { slot.withLock { $0 = response } }

    var response: HTTPResponse? { slot.withLock { $0 } }
}
