// HTTPResponse — status, headers and body, and its HTTP/1.1 wire form. The writer adds
// `Content-Length`, `Connection` and `Date`-free framing; handlers set content type.
import Foundation

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: String) {
        self.init(status: status, headers: [HTTPHeader(name: "Content-Type", value: contentType)], body: Array(body.utf8))
    }

    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The response on the wire. `keepAlive` false adds `Connection: close`.
    /// A response to HEAD carries the length but not the body.
    public func serialized(keepAlive: Bool, headOnly: Bool = false) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        for header in headers where !Self.framingHeaders.contains(header.name.lowercased()) {
            head += "\(header.name): \(header.value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\n"
        if !keepAlive { head += "Connection: close\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if !headOnly { bytes.append(contentsOf: body) }
        return bytes
    }

    static let framingHeaders: Set<String> = ["content-length", "connection", "transfer-encoding"]

    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 422: return "Unprocessable Content"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}

// MARK: JSON helpers

extension HTTPResponse {
    static let jsonType = "application/json"

    /// A JSON body encoded with sorted keys (stable output for clients and tests).
    public static func json<T: Encodable>(_ value: T, status: Int = 200) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let data = try encoder.encode(value)
            var body = [UInt8](data)
            body.append(10)
            return HTTPResponse(status: status, headers: [HTTPHeader(name: "Content-Type", value: jsonType)], body: body)
        } catch {
            return .error(status: 500, code: "encoding_failed", message: "response could not be encoded")
        }
    }

    /// `{ "error": { "code": …, "message": … } }`
    public static func error(status: Int, code: String, message: String) -> HTTPResponse {
        json(ErrorBody(error: ErrorBody.Detail(code: code, message: message)), status: status)
    }

    public struct ErrorBody: Codable, Sendable, Equatable {
        public struct Detail: Codable, Sendable, Equatable {
            public var code: String
            public var message: String
        }
        public var error: Detail
    }
}

extension HTTPRequest {
    /// Decodes the body as JSON; nil when it is not valid JSON for `T`.
    public func decodeJSON<T: Decodable>(_ type: T.Type) -> T? {
        try? JSONDecoder().decode(type, from: Data(body))
    }
}
