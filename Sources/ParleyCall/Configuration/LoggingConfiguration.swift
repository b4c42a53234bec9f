/// The `logging` section.
public struct LoggingConfiguration: Sendable, Equatable {
    public enum Level: String, Sendable, Hashable, CaseIterable { case trace, debug, info, notice, warning, error }
    public enum Format: String, Sendable, Hashable, CaseIterable { case text, json }

    /// Default `info`.
    public var level: Level
    /// Default `text`.
    public var format: Format

    public init(level: Level = .info, format: Format = .text) {
        self.level = level
        self.format = format
    }
}
