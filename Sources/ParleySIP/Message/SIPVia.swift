/// One Via entry (RFC 3261 §20.42, RFC 3581 `rport`).
public struct SIPVia: Sendable, Equatable, CustomStringConvertible {
    /// Protocol name and version, normally "SIP" and "2.0".
    public var protocolName: String
    public var protocolVersion: String
    /// Upper-cased transport token: UDP, TCP, TLS, SCTP, WS… (unknown ones kept).
    public var transport: String
    /// sent-by host (IPv6 with brackets) and optional port.
    public var host: String
    public var port: Int?
    public var parameters: SIPParameters

    /// The RFC 3261 magic cookie that marks a branch as globally unique (§8.1.1.7).
    public static let magicCookie = "z9hG4bK"

    public init(transport: String, host: String, port: Int? = nil, branch: String? = nil,
                parameters: SIPParameters = SIPParameters()) {
        protocolName = "SIP"
        protocolVersion = "2.0"
        self.transport = transport.uppercased()
        self.host = host
        self.port = port
        self.parameters = parameters
        if let branch { self.parameters.set("branch", branch) }
    }

    public var branch: String? { parameters["branch"] }
    public var received: String? { parameters["received"] }
    public var maddr: String? { parameters["maddr"] }
    public var ttl: Int? { parameters["ttl"].flatMap { Int($0) } }
    /// `rport` present (with or without a value).
    public var hasRport: Bool { parameters.contains("rport") }
    /// The `rport` value filled in by a server; nil if absent or valueless.
    public var rport: Int? { parameters["rport"].flatMap { Int($0) } }
    /// sent-by as `host[:port]` (lowercased host), used for transaction matching.
    public var sentBy: String { host.lowercased() + (port.map { ":\($0)" } ?? "") }

    public var description: String { serialized }

    public var serialized: String {
        var out = "\(protocolName)/\(protocolVersion)/\(transport) \(host)"
        if let port { out += ":\(port)" }
        out += parameters.serialized
        return out
    }

    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let s = SIPGrammar.trim(text)
        let semi = SIPGrammar.splitOutsideQuotes(s, on: UInt8(ascii: ";"))?.first ?? s
        let head = Array(semi.utf8)
        var i = 0
        func skipWS() { while i < head.count, head[i] == SIPGrammar.sp || head[i] == SIPGrammar.htab { i += 1 } }
        func token() -> String? {
            let start = i
            while i < head.count, SIPGrammar.isTokenChar(head[i]) { i += 1 }
            return i > start ? String(decoding: head[start..<i], as: UTF8.self) : nil
        }
        func slash() -> Bool {
            skipWS()
            guard i < head.count, head[i] == UInt8(ascii: "/") else { return false }
            i += 1
            skipWS()
            return true
        }
        skipWS()
        guard let name = token(), slash(), let version = token(), slash(), let transport = token() else {
            throw SIPParseError(.malformedVia, "Bad Via sent-protocol")
        }
        let beforeWS = i
        skipWS()
        guard i > beforeWS, i < head.count else { throw SIPParseError(.malformedVia, "Bad Via sent-by") }
        // sent-by = host [ COLON port ], COLON = SWS ":" SWS
        var hostEnd = i
        if head[i] == UInt8(ascii: "[") {
            while hostEnd < head.count, head[hostEnd] != UInt8(ascii: "]") { hostEnd += 1 }
            hostEnd += 1
        } else {
            while hostEnd < head.count, head[hostEnd] != UInt8(ascii: ":"), head[hostEnd] != SIPGrammar.sp,
                  head[hostEnd] != SIPGrammar.htab { hostEnd += 1 }
        }
        guard hostEnd <= head.count else { throw SIPParseError(.malformedVia, "Bad Via sent-by") }
        let hostText = String(decoding: head[i..<hostEnd], as: UTF8.self)
        i = hostEnd
        skipWS()
        var portText = ""
        if i < head.count, head[i] == UInt8(ascii: ":") {
            i += 1
            skipWS()
            let start = i
            while i < head.count, head[i] >= 0x30, head[i] <= 0x39 { i += 1 }
            portText = ":" + String(decoding: head[start..<i], as: UTF8.self)
            skipWS()
        }
        guard i == head.count else { throw SIPParseError(.malformedVia, "Bad Via sent-by") }
        let host: String, port: Int?
        do { (host, port) = try SIPURI.parseHostPort(Substring(hostText + portText)) } catch {
            throw SIPParseError(.malformedVia, "Bad Via sent-by")
        }
        let params: SIPParameters
        do { params = try SIPParameters.parse(s[semi.endIndex...]) } catch {
            throw SIPParseError(.malformedVia, "Bad Via parameter")
        }
        if let ttl = params["ttl"], !(SIPGrammar.isDigits(ttl) && ttl.count <= 3 && (Int(ttl) ?? 256) <= 255) {
            throw SIPParseError(.malformedVia, "Bad Via ttl")
        }
        if let rport = params.rawValue("rport"), !(SIPGrammar.isDigits(rport) && rport.count <= 5) {
            throw SIPParseError(.malformedVia, "Bad Via rport")
        }
        if params.contains("branch"), params["branch"]?.isEmpty ?? true {
            throw SIPParseError(.malformedVia, "Empty Via branch")
        }
        protocolName = name
        protocolVersion = version
        self.transport = transport.uppercased()
        self.host = host
        self.port = port
        parameters = params
    }
}
