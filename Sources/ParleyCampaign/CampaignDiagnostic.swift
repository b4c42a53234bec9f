import ParleyYAML

/// One problem in a campaign definition or a file it names, at the place it was written.
/// `description` is `path:line:col: error: message`.
public struct CampaignDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// A YAML load or shape problem (syntax, unknown key, wrong type, missing key, …).
        case yaml(YAMLError.Code)
        /// A value the campaign model rejects (the same codes its initializers throw).
        case campaign(CampaignError.Code)
    }

    public var code: Code
    public var message: String
    public var mark: YAMLMark

    public init(_ code: Code, _ message: String, at mark: YAMLMark) {
        self.code = code
        self.message = message
        self.mark = mark
    }

    public init(_ error: YAMLError) {
        self.init(.yaml(error.code), error.message, at: error.mark)
    }

    /// A model error reported at `mark` (its detail becomes the message).
    public init(_ error: CampaignError, at mark: YAMLMark) {
        self.init(.campaign(error.code), error.detail, at: mark)
    }

    public var description: String { "\(mark): error: \(message)" }
}

/// Every problem found while loading a campaign: the campaign file's in source order,
/// then those of the files it names (contact list, do-not-call file).
public struct CampaignLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [CampaignDiagnostic]

    public init(_ diagnostics: [CampaignDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
