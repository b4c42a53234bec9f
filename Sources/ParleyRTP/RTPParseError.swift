/// Why a datagram is not a valid RTP or RTCP packet. Carries no text so the media
/// path can produce it without allocating; `offset` is the byte where parsing stopped.
public struct RTPParseError: Error, Equatable, Sendable {
    public enum Code: UInt8, Sendable, Equatable {
        case tooShort
        case badVersion
        case csrcOverrun
        case extensionOverrun
        case badPadding
        case badLength
        case unknownPacketType
        case badPayload
    }

    public var code: Code
    public var offset: Int

    public init(_ code: Code, offset: Int) {
        self.code = code
        self.offset = offset
    }
}
