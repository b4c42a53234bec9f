/// A request method. Methods are case-sensitive tokens (RFC 3261 §7.1); extension methods
/// are kept as written.
public struct SIPMethod: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { name }

    public static let invite: SIPMethod = "INVITE"
    public static let ack: SIPMethod = "ACK"
    public static let bye: SIPMethod = "BYE"
    public static let cancel: SIPMethod = "CANCEL"
    public static let options: SIPMethod = "OPTIONS"
    public static let register: SIPMethod = "REGISTER"
    public static let update: SIPMethod = "UPDATE"
    public static let info: SIPMethod = "INFO"
    public static let refer: SIPMethod = "REFER"
    public static let notify: SIPMethod = "NOTIFY"
    public static let subscribe: SIPMethod = "SUBSCRIBE"
    public static let prack: SIPMethod = "PRACK"
    public static let message: SIPMethod = "MESSAGE"
}
