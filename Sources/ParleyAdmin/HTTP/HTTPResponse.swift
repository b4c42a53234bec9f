// HTTPResponse — status, headers and body as a handler answers them. The transport
// (libmicrohttpd) writes the status line, `Content-Length`, `Connection` and `Date`;
// handlers set the content type.
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

    /// Headers the transport writes itself (libmicrohttpd frames the body); a handler's
    /// own values for them are not sent.
    static let framingHeaders: Set<String> = ["content-length", "connection", "transfer-encoding"]
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
