/// Why a SIP message (or a part of one) could not be read. `reason` names the problem
/// in words fit for a `400` reason phrase; it never quotes the offending input.
public struct SIPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case empty
        case messageTooLarge
        case tooManyHeaders
        case headerValueTooLong
        case missingEmptyLine
        case malformedStartLine
        case unsupportedVersion
        case malformedRequestURI
        case malformedHeaderLine
        case malformedHeaderName
        case missingHeader
        case malformedVia
        case malformedNameAddress
        case malformedCSeq
        case cseqMethodMismatch
        case malformedMaxForwards
        case malformedContentLength
        case contentLengthMismatch
        case malformedStatusCode
        case malformedURI
        case malformedParameter
        case unterminatedQuotedString
        case bodyTooLarge
    }

    public var code: Code
    /// Human-readable reason phrase naming the problem (e.g. "Bad Via header").
    public var reason: String
    /// The status a UAS answers with when the message is an answerable request (400 or 505).
    public var statusCode: Int

    public init(_ code: Code, _ reason: String, statusCode: Int = 400) {
        self.code = code
        self.reason = reason
        self.statusCode = statusCode
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
