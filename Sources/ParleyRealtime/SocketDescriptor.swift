// SocketDescriptor — an owned file descriptor closed exactly once.
//
// Safety invariants: `value` is exchanged to -1 on close, so close runs once even if
// raced; callers must not close a descriptor while another thread is still using it
// (the kernel could reuse the number) — owners close in `deinit` or when done.
import CParleyLinux
import Synchronization

final class SocketDescriptor: Sendable {
    private let value: Atomic<Int32>

    init(_ fd: Int32) { value = Atomic(fd) }

    /// -1 after close. Relaxed: the descriptor number carries no other memory.
    @inline(__always) var fd: Int32 { value.load(ordering: .relaxed) }

    func close() {
        let fd = value.exchange(-1, ordering: .relaxed)
        if fd >= 0 { _ = parley_linux_close(fd) }
    }

    deinit { close() }
}

/// Converts a C result (value or -errno) into a thrown setup error.
@inline(__always)
func check(_ rc: Int32, _ code: RealtimeError.Code, _ context: @autoclosure () -> String) throws(RealtimeError) -> Int32 {
    if rc < 0 { throw RealtimeError(code, errno: -rc, context: context()) }
    return rc
}
