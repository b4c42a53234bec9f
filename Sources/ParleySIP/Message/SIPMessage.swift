/// A SIP request or response (RFC 3261 §7): start line, header fields in order, body bytes.
/// Multi-valued list headers are held one value per entry; unknown headers are kept as
/// they came. The body is opaque: its meaning is named by Content-Type.
public struct SIPMessage: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        public var name: SIPHeaderName
        public var value: String
        public init(_ name: SIPHeaderName, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public enum StartLine: Sendable, Equatable {
        /// Request-Line: the Request-URI is kept as text (any absolute URI scheme may appear).
        case request(method: SIPMethod, uri: String, version: String)
        case response(statusCode: Int, reason: String, version: String)
    }

    public var startLine: StartLine
    public var headers: [Header]
    public var body: [UInt8]

    public init(startLine: StartLine, headers: [Header] = [], body: [UInt8] = []) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    public static func request(_ method: SIPMethod, uri: SIPURI, headers: [Header] = [], body: [UInt8] = []) -> SIPMessage {
        SIPMessage(startLine: .request(method: method, uri: uri.serialized, version: "SIP/2.0"), headers: headers, body: body)
    }

    public var isRequest: Bool { if case .request = startLine { true } else { false } }

    public var method: SIPMethod? {
        if case let .request(m, _, _) = startLine { return m }
        return nil
    }

    public var requestURIText: String? {
        if case let .request(_, u, _) = startLine { return u }
        return nil
    }

    public var requestURI: SIPURI? { requestURIText.flatMap { try? SIPURI(parsing: $0) } }

    public var statusCode: Int? {
        if case let .response(c, _, _) = startLine { return c }
        return nil
    }

    public var reasonPhrase: String? {
        if case let .response(_, r, _) = startLine { return r }
        return nil
    }

    // MARK: header access

    /// All values of `name`, in order.
    public func values(_ name: SIPHeaderName) -> [String] {
        headers.compactMap { $0.name == name ? $0.value : nil }
    }

    /// The first value of `name`.
    public func value(_ name: SIPHeaderName) -> String? {
        headers.first { $0.name == name }?.value
    }

    public func contains(_ name: SIPHeaderName) -> Bool { headers.contains { $0.name == name } }

    public mutating func add(_ name: SIPHeaderName, _ value: String) {
        headers.append(Header(name, value))
    }

    /// Replaces every value of `name` with one value, in the place of the first.
    public mutating func set(_ name: SIPHeaderName, _ value: String) {
        if let i = headers.firstIndex(where: { $0.name == name }) {
            headers[i].value = value
            var j = headers.count - 1
            while j > i {
                if headers[j].name == name { headers.remove(at: j) }
                j -= 1
            }
        } else {
            headers.append(Header(name, value))
        }
    }

    public mutating func remove(_ name: SIPHeaderName) { headers.removeAll { $0.name == name } }

    /// Inserts a value before all others of the same name (e.g. a new top Via).
    public mutating func prepend(_ name: SIPHeaderName, _ value: String) {
        let i = headers.firstIndex { $0.name == name } ?? headers.count
        headers.insert(Header(name, value), at: i)
    }

    // MARK: typed views (parsed on demand)

    public var vias: [SIPVia] { values(.via).compactMap { try? SIPVia(parsing: $0) } }
    public var topVia: SIPVia? { value(.via).flatMap { try? SIPVia(parsing: $0) } }
    public var from: SIPNameAddress? { value(.from).flatMap { try? SIPNameAddress(parsing: $0) } }
    public var to: SIPNameAddress? { value(.to).flatMap { try? SIPNameAddress(parsing: $0) } }
    public var callID: String? { value(.callID) }
    public var cseq: SIPCSeq? { value(.cseq).flatMap { try? SIPCSeq(parsing: $0) } }
    public var maxForwards: Int? { value(.maxForwards).flatMap { Int($0) } }
    public var contacts: [SIPNameAddress] { values(.contact).compactMap { try? SIPNameAddress(parsing: $0) } }
    public var recordRoutes: [SIPNameAddress] { values(.recordRoute).compactMap { try? SIPNameAddress(parsing: $0) } }
    public var routes: [SIPNameAddress] { values(.route).compactMap { try? SIPNameAddress(parsing: $0) } }
    public var contentType: String? { value(.contentType) }
    /// Option tags of a list header (Supported, Require, Allow…), trimmed.
    public func tokens(_ name: SIPHeaderName) -> [String] {
        values(name).flatMap { $0.utf8Split(UInt8(ascii: ","), omittingEmpty: true) }.map { String(SIPGrammar.trim($0)) }.filter { !$0.isEmpty }
    }
}
