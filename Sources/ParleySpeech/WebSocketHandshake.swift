import Foundation

/// RFC 6455 §4: the client's opening handshake and the check of the server's answer.
struct WebSocketHandshake: Sendable {
    static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    struct Failure: Error, Sendable, Hashable {
        enum Code: String, Sendable { case incomplete, notHTTP, status, missingUpgrade, missingConnection, badAccept, tooLarge }
        var code: Code
        var detail: String = ""
    }

    let host: String
    let port: Int
    let path: String
    /// base64 of 16 random bytes (§4.1).
    let key: String

    init(host: String, port: Int, path: String, keyBytes: [UInt8]) {
        self.host = host
        self.port = port
        self.path = path.isEmpty ? "/" : path
        key = Data(keyBytes).base64EncodedString()
    }

    var request: [UInt8] {
        Array(("GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
    }

    static func accept(forKey key: String) -> String {
        Data(SHA1.digest(Array((key + acceptGUID).utf8))).base64EncodedString()
    }

    /// Checks a response. Returns the number of bytes of `bytes` that the response head
    /// used (frames may follow), or nil if the head is not complete yet.
    func validate(_ bytes: [UInt8]) throws(Failure) -> Int? {
        guard let end = Self.headEnd(bytes) else {
            if bytes.count > 16_384 { throw Failure(code: .tooLarge) }
            return nil
        }
        guard let head = String(bytes: bytes[0..<end], encoding: .utf8) else { throw Failure(code: .notHTTP) }
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1.") else { throw Failure(code: .notHTTP) }
        guard parts[1] == "101" else { throw Failure(code: .status, detail: String(parts[1])) }
        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw Failure(code: .notHTTP) }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard headers["upgrade"]?.lowercased() == "websocket" else { throw Failure(code: .missingUpgrade) }
        guard let connection = headers["connection"]?.lowercased(),
              connection.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "upgrade" }) else {
            throw Failure(code: .missingConnection)
        }
        guard headers["sec-websocket-accept"] == Self.accept(forKey: key) else { throw Failure(code: .badAccept) }
        return end + 4
    }

    /// Index of the "\r\n\r\n" ending the head.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
