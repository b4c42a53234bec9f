/// A header field name. Compares case-insensitively and maps compact forms
/// (RFC 3261 §7.3.3 and extensions) to the full name. Unknown names keep their spelling.
public struct SIPHeaderName: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The spelling written on the wire: the canonical form for known names, as received otherwise.
    public let name: String
    /// Lowercased full name, used for comparison.
    public let key: String
    /// Small number for known names (fast comparison); -1 for unknown names.
    let id: Int16

    public init(_ raw: String) {
        if let known = SIPHeaderName.exact[raw] {
            name = known.name
            key = known.key
            id = known.id
            return
        }
        let lower = raw.lowercased()
        if let known = SIPHeaderName.compact[lower] ?? SIPHeaderName.canonical[lower] {
            name = known
            key = known.lowercased()
            id = SIPHeaderName.ids[key] ?? -1
        } else {
            name = raw
            key = lower
            id = -1
        }
    }

    public init(stringLiteral value: String) { self.init(value) }

    init(name: String, key: String, id: Int16) {
        self.name = name
        self.key = key
        self.id = id
    }

    public var description: String { name }
    public static func == (a: SIPHeaderName, b: SIPHeaderName) -> Bool {
        if a.id >= 0 || b.id >= 0 { return a.id == b.id }
        return a.key == b.key
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    /// Whether values of this header are comma-separated lists (§7.3.1) that we split.
    public var isList: Bool { id >= 0 ? SIPHeaderName.listByID[Int(id)] : SIPHeaderName.listKeys.contains(key) }

    public static let via: SIPHeaderName = "Via"
    public static let from: SIPHeaderName = "From"
    public static let to: SIPHeaderName = "To"
    public static let callID: SIPHeaderName = "Call-ID"
    public static let cseq: SIPHeaderName = "CSeq"
    public static let maxForwards: SIPHeaderName = "Max-Forwards"
    public static let contact: SIPHeaderName = "Contact"
    public static let contentLength: SIPHeaderName = "Content-Length"
    public static let contentType: SIPHeaderName = "Content-Type"
    public static let route: SIPHeaderName = "Route"
    public static let recordRoute: SIPHeaderName = "Record-Route"
    public static let allow: SIPHeaderName = "Allow"
    public static let accept: SIPHeaderName = "Accept"
    public static let supported: SIPHeaderName = "Supported"
    public static let require: SIPHeaderName = "Require"
    public static let unsupported: SIPHeaderName = "Unsupported"
    public static let sessionExpires: SIPHeaderName = "Session-Expires"
    public static let minSE: SIPHeaderName = "Min-SE"
    public static let referTo: SIPHeaderName = "Refer-To"
    public static let referredBy: SIPHeaderName = "Referred-By"
    public static let event: SIPHeaderName = "Event"
    public static let subscriptionState: SIPHeaderName = "Subscription-State"
    public static let wwwAuthenticate: SIPHeaderName = "WWW-Authenticate"
    public static let proxyAuthenticate: SIPHeaderName = "Proxy-Authenticate"
    public static let authorization: SIPHeaderName = "Authorization"
    public static let proxyAuthorization: SIPHeaderName = "Proxy-Authorization"
    public static let retryAfter: SIPHeaderName = "Retry-After"
    public static let userAgent: SIPHeaderName = "User-Agent"
    public static let server: SIPHeaderName = "Server"
    public static let reason: SIPHeaderName = "Reason"
    public static let pAssertedIdentity: SIPHeaderName = "P-Asserted-Identity"

    static let compact: [String: String] = [
        "i": "Call-ID", "m": "Contact", "e": "Content-Encoding", "l": "Content-Length",
        "c": "Content-Type", "f": "From", "s": "Subject", "k": "Supported", "t": "To",
        "v": "Via", "o": "Event", "r": "Refer-To", "u": "Allow-Events", "b": "Referred-By",
        "x": "Session-Expires", "y": "Identity", "a": "Accept-Contact", "j": "Reject-Contact",
        "d": "Request-Disposition", "n": "Identity-Info",
    ]

    static let canonical: [String: String] = {
        let names = [
            "Accept", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
            "Authentication-Info", "Authorization", "Call-ID", "Call-Info", "Contact",
            "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
            "Content-Type", "CSeq", "Date", "Error-Info", "Event", "Expires", "From", "In-Reply-To",
            "Max-Forwards", "Min-Expires", "Min-SE", "MIME-Version", "Organization",
            "P-Asserted-Identity", "P-Preferred-Identity", "Priority", "Proxy-Authenticate",
            "Proxy-Authorization", "Proxy-Require", "RAck", "Reason", "Record-Route", "Refer-To",
            "Referred-By", "Reply-To", "Require", "Retry-After", "Route", "RSeq", "Server",
            "Session-Expires", "Subject", "Subscription-State", "Supported", "Timestamp", "To",
            "Unsupported", "User-Agent", "Via", "Warning", "WWW-Authenticate", "Path", "Service-Route",
            "Privacy", "Identity", "Identity-Info", "Accept-Contact", "Reject-Contact", "Request-Disposition",
        ]
        var d: [String: String] = [:]
        for n in names { d[n.lowercased()] = n }
        return d
    }()

    /// Canonical spellings and compact letters as written by most peers → (name, key),
    /// so well-formed messages skip lowercasing.
    static let exact: [String: (name: String, key: String, id: Int16)] = {
        var d: [String: (name: String, key: String, id: Int16)] = [:]
        for n in canonical.values { d[n] = (n, n.lowercased(), ids[n.lowercased()] ?? -1) }
        for (letter, n) in compact {
            let entry = (n, n.lowercased(), ids[n.lowercased()] ?? -1)
            d[letter] = entry
            d[letter.uppercased()] = entry
        }
        return d
    }()

    /// Known lowercased names → ids.
    static let ids: [String: Int16] = {
        var d: [String: Int16] = [:]
        for (i, key) in canonical.keys.sorted().enumerated() { d[key] = Int16(i) }
        return d
    }()

    /// `isList` for known names, indexed by id.
    static let listByID: [Bool] = {
        var table = [Bool](repeating: false, count: ids.count)
        for (key, id) in ids { table[Int(id)] = listKeys.contains(key) }
        return table
    }()

    static let listKeys: Set<String> = [
        "via", "route", "record-route", "contact", "allow", "supported", "require", "proxy-require",
        "unsupported", "accept", "accept-encoding", "accept-language", "content-encoding",
        "content-language", "allow-events", "path", "service-route", "p-asserted-identity",
        "alert-info", "call-info", "error-info", "in-reply-to", "warning", "reason", "privacy",
    ]
}
