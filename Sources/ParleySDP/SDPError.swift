/// A failure to parse or negotiate a session description. `line` is 1-based
/// (0 when the problem is not tied to one line).
public struct SDPError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case tooLarge
        case tooManyLines
        case notUTF8
        case malformedLine
        case unknownType
        case outOfOrder
        case missingVersion
        case unsupportedVersion
        case missingOrigin
        case malformedOrigin
        case missingSessionName
        case malformedConnection
        case missingConnection
        case malformedMedia
        case malformedTiming
        case malformedBandwidth
        case malformedAttribute
        case duplicateLine
        case tooManyMedia
    }

    public var code: Code
    public var line: Int
    public var context: String

    public init(_ code: Code, line: Int, _ context: String = "") {
        self.code = code
        self.line = line
        self.context = context
    }

    public var description: String {
        line > 0 ? "SDP line \(line): \(code.rawValue) \(context)" : "SDP: \(code.rawValue) \(context)"
    }
}
