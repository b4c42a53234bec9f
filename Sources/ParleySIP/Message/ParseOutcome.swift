/// What to do with received bytes.
public enum ParseOutcome: Sendable, Equatable {
    /// A well-formed message.
    case message(SIPMessage)
    /// A malformed request whose Via, From, To, Call-ID and CSeq could be read: answer it
    /// with `error.statusCode` (400, or 505 for another SIP version) and `error.reason`.
    /// `request` holds what was read, enough for `SIPMessage.response(to:…)`.
    case badRequest(request: SIPMessage, error: SIPParseError)
    /// Nothing can be answered (a response, keep-alive, or unreadable request): drop and count.
    case drop(SIPParseError)

    public var message: SIPMessage? {
        if case let .message(m) = self { return m }
        return nil
    }
}
