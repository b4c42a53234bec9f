/// An error in a campaign definition, a contact list or campaign state.
/// `line` is the 1-based line of the input that caused it, when there is one.
public struct CampaignError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidDefinition
        case invalidNumber
        case invalidTimeZone
        case invalidWindow
        case malformedCSV
        case missingHeader
        case duplicateColumn
        case wrongFieldCount
        case duplicateContact
        case unknownAttempt
    }

    public var code: Code
    public var line: Int?
    public var detail: String

    public init(_ code: Code, line: Int? = nil, _ detail: String) {
        self.code = code
        self.line = line
        self.detail = detail
    }

    public var description: String {
        if let line { return "\(code.rawValue) at line \(line): \(detail)" }
        return "\(code.rawValue): \(detail)"
    }
}
