/// Identifies a transaction for matching (RFC 3261 §17.1.3, §17.2.3): the top Via branch,
/// the sent-by (server side) and the method, where ACK matches its INVITE. Only RFC 3261
/// branches (magic cookie `z9hG4bK`) are matched; RFC 2543 peers' requests get no key.
public struct TransactionKey: Hashable, Sendable, CustomStringConvertible {
    public var branch: String
    /// Lowercased `host[:port]` of the top Via for server transactions; empty for client ones.
    public var sentBy: String
    public var method: SIPMethod

    public init(branch: String, sentBy: String, method: SIPMethod) {
        self.branch = branch
        self.sentBy = sentBy
        self.method = method
    }

    public var description: String { "\(method.name) \(branch) \(sentBy)" }

    /// Server transaction key of a received request. ACK maps to the INVITE transaction
    /// (meaningful for ACKs of non-2xx responses, which carry the INVITE's branch).
    public static func server(for request: SIPMessage) -> TransactionKey? {
        guard let method = request.method, let via = request.topVia, let branch = via.branch,
              branch.hasPrefix(SIPVia.magicCookie) else { return nil }
        return TransactionKey(branch: branch, sentBy: via.sentBy, method: method == .ack ? .invite : method)
    }

    /// The INVITE server transaction a received CANCEL refers to (§9.2).
    public static func cancelled(by cancel: SIPMessage) -> TransactionKey? {
        guard cancel.method == .cancel, let key = server(for: cancel) else { return nil }
        return TransactionKey(branch: key.branch, sentBy: key.sentBy, method: .invite)
    }

    /// Client transaction key of a request we send.
    public static func client(for request: SIPMessage) -> TransactionKey? {
        guard let method = request.method, let branch = request.topVia?.branch else { return nil }
        return TransactionKey(branch: branch, sentBy: "", method: method == .ack ? .invite : method)
    }

    /// Client transaction key a received response matches: top Via branch + CSeq method.
    public static func client(forResponse response: SIPMessage) -> TransactionKey? {
        guard response.statusCode != nil, let branch = response.topVia?.branch, let cseq = response.cseq else { return nil }
        return TransactionKey(branch: branch, sentBy: "", method: cseq.method)
    }
}
