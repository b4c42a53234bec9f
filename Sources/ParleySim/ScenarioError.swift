import ParleyYAML

/// A scenario that cannot be used: every problem found, each positioned
/// (`path:line:col: message`), in source order.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [YAMLError]

    public init(_ diagnostics: [YAMLError]) {
        self.diagnostics = diagnostics.sorted { $0.mark < $1.mark }
    }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
