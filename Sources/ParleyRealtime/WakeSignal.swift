// WakeSignal — one thread waits for it with a timeout, any thread raises it without
// blocking: an eventfd. `signal()` is one nonblocking write (no lock, no allocation), so a
// realtime thread may raise it; a signal raised before the wait is not lost (the counter
// stays set until the waiter clears it).

import CParleyLinux

public final class WakeSignal: Sendable {
    private let eventFD: Int32

    public init() throws(RealtimeError) {
        let fd = parley_linux_eventfd_create()
        guard fd >= 0 else { throw RealtimeError(.eventfd, errno: -fd, context: "eventfd") }
        eventFD = fd
    }

    deinit { _ = parley_linux_close(eventFD) }

    /// Raises the signal (any thread; never blocks).
    public func signal() {
        _ = parley_linux_eventfd_signal(eventFD)
    }

    /// Waits until the signal is raised or `timeoutNs` passed, and clears it. True when it
    /// was raised.
    @discardableResult
    public func wait(timeoutNs: UInt64) -> Bool {
        parley_linux_eventfd_wait(eventFD, timeoutNs) > 0
    }
}
