/// Why a media operation failed at setup time. The per-tick path never throws: it
/// returns status values and bumps counters.
public struct MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case invalidConfiguration
        case portsExhausted
        case bindFailed
        case codecFailed
        case pipelineFailed
        case engineFull
        case threadStartFailed
        case promptLoadFailed
    }

    public var code: Code
    public var context: String

    public init(_ code: Code, _ context: String = "") {
        self.code = code
        self.context = context
    }

    public var description: String { context.isEmpty ? "\(code)" : "\(code): \(context)" }
}
