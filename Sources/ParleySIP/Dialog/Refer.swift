/// REFER (RFC 3515) helpers: reading Refer-To, and the NOTIFY with a `message/sipfrag`
/// body that reports the referred call's progress.
public enum Refer {
    /// The Refer-To target of a REFER; nil when absent or unreadable (answer 400).
    public static func target(of refer: SIPMessage) -> SIPNameAddress? {
        refer.value(.referTo).flatMap { try? SIPNameAddress(parsing: $0) }
    }

    /// Headers and body for a NOTIFY about a REFER's progress (RFC 3515 §2.4.4): the body is
    /// a sipfrag status line; the subscription ends with a final status.
    public static func notifyContent(statusCode: Int, reason: String? = nil, referCSeq: UInt32? = nil,
                                     expiresSeconds: Int = 60)
        -> (headers: [SIPMessage.Header], body: [UInt8], contentType: String) {
        let phrase = reason ?? SIPMessage.reasonPhrase(for: statusCode)
        var headers = [SIPMessage.Header(.event, referCSeq.map { "refer;id=\($0)" } ?? "refer")]
        let state = statusCode >= 200 ? "terminated;reason=noresource" : "active;expires=\(expiresSeconds)"
        headers.append(SIPMessage.Header(.subscriptionState, state))
        return (headers, Array("SIP/2.0 \(statusCode) \(phrase)\r\n".utf8), "message/sipfrag;version=2.0")
    }

    /// Reads the status line of a sipfrag body (as received in a NOTIFY).
    public static func sipfragStatus(_ body: [UInt8]) -> (statusCode: Int, reason: String)? {
        let text = String(decoding: body, as: UTF8.self)
        guard let line = text.split(whereSeparator: { $0.isNewline }).first else { return nil }
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("SIP/"), parts[1].count == 3, let code = Int(parts[1]) else { return nil }
        return (code, parts.count > 2 ? String(parts[2]) : "")
    }
}
