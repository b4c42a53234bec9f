import ParleyYAML

/// One problem found in a daemon configuration, at the place it was written.
/// `description` is `path:line:col: error: message` (for a command-line override the
/// location is the option, e.g. `--sip-listen: error: …`).
public struct ConfigurationDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// YAML syntax, duplicate keys and other load failures.
        case syntax
        case unreadableFile
        case unknownKey
        case missingKey
        case typeMismatch
        case invalidValue
        case invalidAddress
        case invalidCIDR
        case invalidPortRange
        case unknownCodec
        case missingScript
        case missingEnvironmentVariable
        case conflictingKeys
    }

    public var code: Code
    public var message: String
    /// Where the offending value starts; nil for command-line overrides.
    public var mark: YAMLMark?
    /// The command-line option at fault, when `mark` is nil.
    public var option: String?

    public init(_ code: Code, _ message: String, at mark: YAMLMark) {
        self.code = code
        self.message = message
        self.mark = mark
        self.option = nil
    }

    public init(_ code: Code, _ message: String, option: String) {
        self.code = code
        self.message = message
        self.mark = nil
        self.option = option
    }

    /// Wraps a ParleyYAML error (same location, code mapped).
    public init(_ error: YAMLError) {
        let code: Code = switch error.code {
        case .unknownKey: .unknownKey
        case .missingKey: .missingKey
        case .typeMismatch: .typeMismatch
        case .invalidValue: .invalidValue
        case .unreadableFile: .unreadableFile
        default: .syntax
        }
        self.init(code, error.message, at: error.mark)
    }

    public var location: String { mark?.description ?? option ?? "<configuration>" }

    public var description: String { "\(location): error: \(message)" }
}

/// Every problem found in a configuration, in source order (overrides last).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [ConfigurationDiagnostic]

    public init(_ diagnostics: [ConfigurationDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
