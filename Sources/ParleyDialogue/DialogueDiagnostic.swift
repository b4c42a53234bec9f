import ParleyYAML

/// One lint or load finding: `path:line:col: error|warning: message [rule]`.
public struct DialogueDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable { case error, warning }

    public var severity: Severity
    public var rule: DialogueLintRule
    public var message: String
    public var mark: YAMLMark

    public init(_ severity: Severity, _ rule: DialogueLintRule, _ message: String, at mark: YAMLMark) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.mark = mark
    }

    public var description: String { "\(mark): \(severity.rawValue): \(message) [\(rule.rawValue)]" }

    /// A YAML load or access failure as a diagnostic.
    public init(_ error: YAMLError) {
        let rule: DialogueLintRule
        switch error.code {
        case .unreadableFile: rule = .unreadableFile
        case .syntax, .nonScalarKey, .undefinedAlias, .aliasExpansionTooLarge, .nestingTooDeep, .multipleDocuments: rule = .yamlSyntax
        case .duplicateKey: rule = .duplicateKey
        case .typeMismatch, .invalidValue: rule = .invalidValue
        case .unknownKey: rule = .unknownKey
        case .missingKey: rule = .missingKey
        }
        self.init(.error, rule, error.message, at: error.mark)
    }
}

/// Every rule the loader and linter check. The raw value is the id printed in brackets.
public enum DialogueLintRule: String, Sendable, Equatable, CaseIterable {
    case unreadableFile = "unreadable-file"
    case yamlSyntax = "yaml-syntax"
    case duplicateKey = "duplicate-key"
    case unknownKey = "unknown-key"
    case missingKey = "missing-key"
    case invalidValue = "invalid-value"
    case duplicateName = "duplicate-name"
    case undefinedState = "undefined-state"
    case undefinedIntent = "undefined-intent"
    case undefinedPrompt = "undefined-prompt"
    case undefinedVariable = "undefined-variable"
    case undefinedTag = "undefined-tag"
    case undefinedDisposition = "undefined-disposition"
    case undefinedWebhook = "undefined-webhook"
    case unreachableState = "unreachable-state"
    case deadEnd = "dead-end"
    case missingDisposition = "missing-disposition"
    case missingNoInput = "missing-no-input"
    case missingNoMatch = "missing-no-match"
    case retryCap = "retry-cap"
    case promptMissing = "prompt-missing"
    case promptUnreadable = "prompt-unreadable"
    case promptRate = "prompt-rate"
    case promptClipped = "prompt-clipped"
    case promptSilent = "prompt-silent"
    case lockedTooLong = "locked-too-long"
    case cuePastEnd = "cue-past-end"
    case abStructure = "ab-structure"
    case abWeights = "ab-weights"
    case fewExamples = "few-examples"
    case invalidPattern = "invalid-pattern"
    case unusedIntent = "unused-intent"
}

extension Array where Element == DialogueDiagnostic {
    public var hasErrors: Bool { contains(where: { $0.severity == .error }) }
}
