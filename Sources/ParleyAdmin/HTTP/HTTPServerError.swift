// HTTPServerError — why the admin HTTP server could not start.

public struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// libmicrohttpd refused to start (address in use, no permission, …); `errno` says why when known.
        case startFailed
        /// `start()` on a server that is running.
        case alreadyStarted
    }
    public let code: Code
    /// errno after the failed start, 0 when not known.
    public let errno: Int32
    public let context: String

    public init(_ code: Code, errno: Int32 = 0, context: String = "") {
        self.code = code
        self.errno = errno
        self.context = context
    }

    public var description: String {
        var text = code.rawValue
        if !context.isEmpty { text += " (\(context))" }
        if errno != 0 { text += ": errno \(errno)" }
        return text
    }
}
