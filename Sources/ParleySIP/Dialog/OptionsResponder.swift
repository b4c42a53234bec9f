/// Answers out-of-dialog OPTIONS (RFC 3261 §11.2): 200 with Allow, Accept and Supported,
/// or 503 with Retry-After while the node drains.
public struct OptionsResponder: Sendable, Equatable {
    public var allow: [String]
    public var accept: [String]
    public var supported: [String]
    public var draining: Bool
    public var retryAfterSeconds: Int

    public init(allow: [String] = InviteSession.allowedMethods,
                accept: [String] = ["application/sdp", "application/dtmf-relay", "message/sipfrag"],
                supported: [String] = ["timer", "replaces", "norefersub"],
                draining: Bool = false, retryAfterSeconds: Int = 30) {
        self.allow = allow
        self.accept = accept
        self.supported = supported
        self.draining = draining
        self.retryAfterSeconds = retryAfterSeconds
    }

    public func response(to request: SIPMessage, toTag: String) -> SIPMessage {
        if draining {
            var r = SIPMessage.response(to: request, statusCode: 503, toTag: toTag)
            r.add(.retryAfter, String(retryAfterSeconds))
            return r
        }
        var r = SIPMessage.response(to: request, statusCode: 200, toTag: toTag)
        r.add(.allow, allow.joined(separator: ", "))
        r.add(.accept, accept.joined(separator: ", "))
        r.add(.supported, supported.joined(separator: ", "))
        return r
    }
}

extension SIPMessage {
    /// 481 for a request whose dialog we do not know (e.g. after a restart, §12.2.2).
    public static func unknownDialog(_ request: SIPMessage, toTag: String) -> SIPMessage {
        response(to: request, statusCode: 481, toTag: toTag)
    }

    /// Whether a request claims to be inside a dialog (its To carries a tag).
    public var isInDialog: Bool { to?.tag != nil }
}
