/// Errors from setting up audio stages. The per-frame path never throws: it returns status
/// values and bumps counters.
public struct AudioError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case unsupportedFormat
        case processorRejected
        case invalidConfiguration
    }
    public let code: Code
    public let context: String

    public init(_ code: Code, _ context: String) {
        self.code = code
        self.context = context
    }

    public var description: String { "\(code): \(context)" }
}
