// RealtimeError — setup failures of the realtime core (threads, sockets, epoll).
// The per-frame / per-packet paths return status values instead of throwing.
//
// Safety invariants: no unsafe code; `strerror` text is copied from a static table.
import Glibc

public struct RealtimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case threadStart
        case epoll
        case eventfd
        case timerfd
        case socket
        case socketOption
        case bind
        case listen
        case connect
        case invalidAddress
        case outOfMemory
        case closed
    }

    public let code: Code
    /// errno when the failure came from the kernel, 0 otherwise.
    public let errno: Int32
    /// What was being done (an operation and, for sockets, the address).
    public let context: String

    public init(_ code: Code, errno: Int32 = 0, context: String = "") {
        self.code = code
        self.errno = errno
        self.context = context
    }

    public var description: String {
        var text = "\(code.rawValue)"
        if !context.isEmpty { text += " (\(context))" }
        if errno != 0 { text += ": " + String(cString: strerror(errno)) + " [errno \(errno)]" }
        return text
    }
}
