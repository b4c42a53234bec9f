/// `name-addr` or `addr-spec` with header parameters, as in From, To, Contact, Route,
/// Record-Route, Refer-To (RFC 3261 §20.10, §25.1).
public struct SIPNameAddress: Sendable, Equatable, CustomStringConvertible {
    /// Display name without quotes or escapes; nil when absent.
    public var displayName: String?
    public var uri: SIPURI
    public var parameters: SIPParameters
    /// `Contact: *` (only valid in REGISTER).
    public var isWildcard: Bool = false

    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    public var tag: String? {
        get { parameters["tag"] }
        set { if let newValue { parameters.set("tag", newValue) } else { parameters.remove("tag") } }
    }

    public var description: String { serialized }

    /// Always written in the `name-addr` form so URI parameters stay with the URI.
    public var serialized: String {
        if isWildcard { return "*" }
        var out = ""
        if let displayName, !displayName.isEmpty {
            out += SIPGrammar.isToken(displayName) ? displayName : SIPGrammar.quote(displayName)
            out += " "
        }
        out += "<" + uri.serialized + ">" + parameters.serialized
        return out
    }

    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        var s = SIPGrammar.trim(text)
        if s == "*" {
            self.init(uri: SIPURI(host: ""))
            isWildcard = true
            return
        }
        var display: String?
        if s.utf8.first == SIPGrammar.dquote {
            guard let q = SIPGrammar.quotedString(s) else {
                throw SIPParseError(.unterminatedQuotedString, "Unterminated quoted display name")
            }
            display = SIPGrammar.unquote(q.quoted)
            s = SIPGrammar.trim(q.rest)
            guard s.first == "<" else { throw SIPNameAddress.error("Quoted display name without <URI>") }
        } else if let lt = s.utf8Index(of: UInt8(ascii: "<")) {
            let name = SIPGrammar.trim(s[s.startIndex..<lt])
            if !name.isEmpty {
                // *(token LWS)
                let words = name.utf8Split(0x20, omittingEmpty: true).flatMap { $0.utf8Split(0x09, omittingEmpty: true) }
                for word in words where !SIPGrammar.isToken(word) {
                    throw SIPNameAddress.error("Display name is neither token nor quoted string")
                }
                display = String(name)
            }
            s = s[lt...]
        }
        if s.first == "<" {
            guard let gt = s.utf8Index(of: UInt8(ascii: ">")) else { throw SIPNameAddress.error("Missing >") }
            let inner = s[s.utf8.index(after: s.startIndex)..<gt]
            let uri: SIPURI
            do { uri = try SIPURI(parsing: inner) } catch { throw SIPNameAddress.error("Bad URI in name-addr") }
            let params = try SIPParameters.parse(s[s.utf8.index(after: gt)...])
            self.init(displayName: display, uri: uri, parameters: params)
        } else {
            // addr-spec: parameters after the first ';' belong to the header; '?', ',' and
            // ';' inside the URI require <> (§20).
            let semi = s.utf8Index(of: UInt8(ascii: ";")) ?? s.endIndex
            let spec = SIPGrammar.trim(s[s.startIndex..<semi])
            guard !spec.contains("?"), !spec.contains(","),
                  !spec.utf8.contains(where: { $0 == SIPGrammar.sp || $0 == SIPGrammar.htab }) else {
                throw SIPNameAddress.error("addr-spec needs <> or contains spaces")
            }
            let uri: SIPURI
            do { uri = try SIPURI(parsing: spec) } catch { throw SIPNameAddress.error("Bad URI in addr-spec") }
            let params = try SIPParameters.parse(s[semi...])
            self.init(displayName: nil, uri: uri, parameters: params)
        }
    }

    static func error(_ reason: String) -> SIPParseError { SIPParseError(.malformedNameAddress, reason) }
}
