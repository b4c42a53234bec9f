/// A YAML load or access failure, positioned at the offending node.
/// `description` is `path:line:col: message`.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case unreadableFile
        case syntax
        case duplicateKey
        case nonScalarKey
        case undefinedAlias
        case aliasExpansionTooLarge
        case nestingTooDeep
        case multipleDocuments
        case typeMismatch
        case unknownKey
        case missingKey
        case invalidValue
    }

    public var code: Code
    public var message: String
    public var mark: YAMLMark

    public init(_ code: Code, _ message: String, at mark: YAMLMark) {
        self.code = code
        self.message = message
        self.mark = mark
    }

    public var description: String { "\(mark): \(message)" }
}
