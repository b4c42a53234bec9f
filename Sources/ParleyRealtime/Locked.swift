// Locked — a value guarded by a pthread mutex, for the signalling side (registration
// tables, posted-closure queues, join state). Never used on the media path.
//
// Why not `Synchronization.Mutex`: on Linux its lock is invisible to ThreadSanitizer
// (toolchain 6.3.1 reports races on accesses made strictly inside `withLock`), while
// pthread mutexes are intercepted, so code built on this module stays TSan-checkable.
//
// Safety invariants: the pthread_mutex_t lives in its own heap allocation (a stable
// address, never moved by Swift), initialised in `init` and destroyed in `deinit`;
// `value` is only touched between lock and unlock, which is what makes
// `@unchecked Sendable` sound. `body` must not re-enter the same lock.
import Glibc

final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    @inline(__always)
    func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
