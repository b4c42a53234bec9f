import Dispatch
import Foundation
import Synchronization

/// A one-shot event a test can wait on with a timeout (no sleeping).
final class TestEvent: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func signal() { semaphore.signal() }
    /// True when signalled within `seconds`.
    func wait(seconds: Double = 5) -> Bool {
        semaphore.wait(timeout: .now() + seconds) == .success
    }
}

/// Runs `body` on a new thread; returns an event signalled when it finishes.
func spawn(_ body: @escaping @Sendable () -> Void) -> TestEvent {
    let done = TestEvent()
    let thread = Thread {
        body()
        done.signal()
    }
    thread.start()
    return done
}

/// A value written on one thread and read on another after an event.
final class Box<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
    func update(_ body: (inout Value) -> Void) { storage.withLock { body(&$0) } }
}
