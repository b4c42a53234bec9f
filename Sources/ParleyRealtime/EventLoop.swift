// EventLoop — an epoll loop on its own thread for the signalling domain (SIP
// transports, RTP control sockets, timers): file-descriptor readiness handlers,
// timerfd timers, and closures posted from other threads through an eventfd wake-up.
//
// Safety invariants:
// - Handlers and posted closures are `sending`: ownership moves to the loop, and they
//   are only ever invoked on the loop thread. They are kept in `LoopWork` boxes, which
//   are `@unchecked Sendable` on exactly that invariant.
// - The registration table and the posted queue are guarded by `Locked`; epoll_ctl is
//   thread-safe. Each registration carries a generation in the epoll data, so an
//   event for a descriptor that was unregistered (and maybe reused) is ignored.
// - The loop thread holds a retained reference to the loop until it exits; `stop()`
//   joins it. The event buffer is allocated in `init`, used only by the loop thread
//   (or by `runOnce` callers when no thread is running), and freed in `deinit`.
// - Atomics: `running` pairs `store(.releasing)` in stop with `load(.acquiring)` in
//   the loop; `loopThread` is a relaxed identity check.
import CParleyLinux
import Synchronization

public struct IOEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let readable = IOEvents(rawValue: UInt32(PARLEY_LINUX_EV_IN))
    public static let writable = IOEvents(rawValue: UInt32(PARLEY_LINUX_EV_OUT))
    /// Reported only (always watched).
    public static let error = IOEvents(rawValue: UInt32(PARLEY_LINUX_EV_ERR))
    /// Reported only (always watched).
    public static let hangup = IOEvents(rawValue: UInt32(PARLEY_LINUX_EV_HUP))
    /// Peer closed its writing half (TCP).
    public static let readHangup = IOEvents(rawValue: UInt32(PARLEY_LINUX_EV_RDHUP))
}

/// A timer created by `EventLoop.scheduleTimer`.
public struct EventLoopTimerID: Sendable, Hashable {
    let fd: Int32
    let generation: UInt32
}

final class LoopWork<Argument>: @unchecked Sendable {
    let body: (Argument) -> Void
    init(_ body: sending @escaping (Argument) -> Void) { self.body = body }
}

public final class EventLoop: @unchecked Sendable {
    struct Registration {
        let generation: UInt32
        let handler: LoopWork<IOEvents>
        let isTimer: Bool
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let registrations = Locked<[Int32: Registration]>([:])
    private let posted = Locked<[LoopWork<Void>]>([])
    private let nextGeneration = Atomic<UInt32>(1)
    private let running = Atomic<Bool>(false)
    private let loopThread = Atomic<UInt64>(0)
    private let threadHandle = Locked<UInt64?>(nil)
    private let events: UnsafeMutablePointer<parley_linux_event>
    private static let eventCapacity = 64
    private static let wakeToken: UInt64 = .max
    /// Closures taken from `posted` are moved here, so draining does not allocate.
    private var draining: [LoopWork<Void>] = []

    public init() throws(RealtimeError) {
        let ep = parley_linux_epoll_create()
        guard ep >= 0 else { throw RealtimeError(.epoll, errno: -ep, context: "epoll_create1") }
        let wake = parley_linux_eventfd_create()
        guard wake >= 0 else {
            _ = parley_linux_close(ep)
            throw RealtimeError(.eventfd, errno: -wake, context: "eventfd")
        }
        let rc = parley_linux_epoll_add(ep, wake, UInt32(PARLEY_LINUX_EV_IN), Self.wakeToken)
        guard rc == 0 else {
            _ = parley_linux_close(ep)
            _ = parley_linux_close(wake)
            throw RealtimeError(.epoll, errno: -rc, context: "register wake-up")
        }
        epollFD = ep
        wakeFD = wake
        events = .allocate(capacity: Self.eventCapacity)
        draining.reserveCapacity(64)
    }

    deinit {
        stop()
        _ = parley_linux_close(wakeFD)
        _ = parley_linux_close(epollFD)
        let timers = registrations.withLock { table in table.filter { $0.value.isTimer }.map(\.key) }
        for fd in timers { _ = parley_linux_close(fd) }
        events.deallocate()
    }

    // MARK: thread

    /// Runs the loop on a new thread named `name`. Idempotent.
    public func start(name: String = "parley-io") throws(RealtimeError) {
        try threadHandle.withLock { (handle: inout UInt64?) throws(RealtimeError) in
            if handle != nil { return }
            running.store(true, ordering: .releasing)
            let box = Unmanaged.passRetained(StartBox(loop: self, name: name))
            var tid: UInt64 = 0
            let rc = parley_linux_thread_start(eventLoopThreadEntry, box.toOpaque(), &tid)
            if rc != 0 {
                box.release()
                running.store(false, ordering: .releasing)
                throw RealtimeError(.threadStart, errno: rc, context: name)
            }
            handle = tid
        }
    }

    /// Stops the loop thread and joins it. Pending posted closures are dropped.
    /// Idempotent. On the loop thread itself it only asks the loop to end after the
    /// current batch of events (a thread cannot join itself).
    public func stop() {
        if isInLoopThread {
            running.store(false, ordering: .releasing)
            return
        }
        threadHandle.withLock { handle in
            guard let tid = handle else { return }
            running.store(false, ordering: .releasing)
            _ = parley_linux_eventfd_signal(wakeFD)
            _ = parley_linux_thread_join(tid)
            handle = nil
        }
    }

    /// Stops the thread, then drops every registration, timer and posted closure
    /// (closing the timers' descriptors; other descriptors stay the caller's). Handlers
    /// that capture the loop keep it alive: call this to break those cycles.
    public func shutdown() {
        stop()
        let removed = registrations.withLock { table in
            defer { table.removeAll() }
            return table.map { ($0.key, $0.value.isTimer) }
        }
        for (fd, isTimer) in removed {
            _ = parley_linux_epoll_remove(epollFD, fd)
            if isTimer { _ = parley_linux_close(fd) }
        }
        posted.withLock { $0.removeAll() }
    }

    /// True on the loop's own thread.
    public var isInLoopThread: Bool {
        loopThread.load(ordering: .relaxed) == parley_linux_thread_self()
    }

    final class StartBox: @unchecked Sendable {
        let loop: EventLoop
        let name: String
        init(loop: EventLoop, name: String) { self.loop = loop; self.name = name }
    }

    fileprivate func runThread(name: String) {
        _ = name.withCString { parley_linux_thread_set_name($0) }
        loopThread.store(parley_linux_thread_self(), ordering: .relaxed)
        while running.load(ordering: .acquiring) {
            _ = runOnce(timeoutMs: -1)
        }
        loopThread.store(0, ordering: .relaxed)
    }

    /// Waits up to `timeoutMs` (-1: forever) and dispatches ready handlers, timers and
    /// posted closures. Returns the number of events handled. Use only when no loop
    /// thread is running (embedding, tests).
    @discardableResult
    public func runOnce(timeoutMs: Int32) -> Int {
        let n = parley_linux_epoll_wait(epollFD, events, Int32(Self.eventCapacity), timeoutMs)
        guard n > 0 else { return 0 }
        for i in 0..<Int(n) {
            let event = events[i]
            if event.data == Self.wakeToken {
                _ = parley_linux_eventfd_drain(wakeFD)
                runPosted()
                continue
            }
            let fd = Int32(truncatingIfNeeded: event.data & 0xffff_ffff)
            let generation = UInt32(truncatingIfNeeded: event.data >> 32)
            let found = registrations.withLock { table -> Registration? in
                guard let r = table[fd], r.generation == generation else { return nil }
                return r
            }
            guard let registration = found else { continue }
            if registration.isTimer { _ = parley_linux_timerfd_read(fd) }
            registration.handler.body(IOEvents(rawValue: event.events))
        }
        return Int(n)
    }

    private func runPosted() {
        posted.withLock { queue in swap(&queue, &draining) }
        for work in draining { work.body(()) }
        draining.removeAll(keepingCapacity: true)
    }

    // MARK: posting

    /// Runs `work` on the loop thread soon. Any thread.
    public func execute(_ work: sending @escaping () -> Void) {
        let box = LoopWork<Void>(work)
        posted.withLock { $0.append(box) }
        _ = parley_linux_eventfd_signal(wakeFD)
    }

    // MARK: descriptors

    /// Watches `fd` for `interest` (`.readable`, `.writable`, `.readHangup`; errors and
    /// hang-ups are always reported) and calls `handler` on the loop thread with what
    /// is ready (level-triggered). Any thread. The caller keeps owning `fd`.
    public func register(fd: Int32, interest: IOEvents,
                         handler: sending @escaping (IOEvents) -> Void) throws(RealtimeError) {
        try add(fd: fd, interest: interest, isTimer: false, handler: LoopWork(handler))
    }

    /// Changes what `fd` is watched for. Any thread.
    public func modify(fd: Int32, interest: IOEvents) throws(RealtimeError) {
        guard let generation = registrations.withLock({ $0[fd]?.generation }) else {
            throw RealtimeError(.epoll, errno: 2 /* ENOENT */, context: "modify fd \(fd)")
        }
        let rc = parley_linux_epoll_modify(epollFD, fd, interest.rawValue, Self.token(fd, generation))
        if rc != 0 { throw RealtimeError(.epoll, errno: -rc, context: "modify fd \(fd)") }
    }

    /// Stops watching `fd`. On the loop thread, its handler is not called again; from
    /// another thread, a call already under way may still complete.
    public func unregister(fd: Int32) {
        let removed = registrations.withLock { $0.removeValue(forKey: fd) }
        if removed != nil { _ = parley_linux_epoll_remove(epollFD, fd) }
    }

    private func add(fd: Int32, interest: IOEvents, isTimer: Bool, handler: LoopWork<IOEvents>) throws(RealtimeError) {
        let generation = nextGeneration.wrappingAdd(1, ordering: .relaxed).newValue
        let duplicate = registrations.withLock { table -> Bool in
            if table[fd] != nil { return true }
            table[fd] = Registration(generation: generation, handler: handler, isTimer: isTimer)
            return false
        }
        if duplicate { throw RealtimeError(.epoll, errno: 17 /* EEXIST */, context: "register fd \(fd)") }
        let rc = parley_linux_epoll_add(epollFD, fd, interest.rawValue, Self.token(fd, generation))
        if rc != 0 {
            _ = registrations.withLock { $0.removeValue(forKey: fd) }
            throw RealtimeError(.epoll, errno: -rc, context: "register fd \(fd)")
        }
    }

    @inline(__always)
    private static func token(_ fd: Int32, _ generation: UInt32) -> UInt64 {
        UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
    }

    // MARK: timers

    /// Calls `handler` on the loop thread after `delayMs`, then every `repeatEveryMs`
    /// if given. Uses one timerfd per timer (setup cost; SIP transaction timers belong
    /// in a `TimerWheel` driven by one repeating timer). Any thread.
    public func scheduleTimer(afterMs delayMs: Int, repeatEveryMs: Int? = nil,
                              _ handler: sending @escaping () -> Void) throws(RealtimeError) -> EventLoopTimerID {
        let fd = parley_linux_timerfd_create()
        guard fd >= 0 else { throw RealtimeError(.timerfd, errno: -fd, context: "timerfd_create") }
        let initialNs = UInt64(max(delayMs, 0)) * 1_000_000
        let intervalNs = UInt64(max(repeatEveryMs ?? 0, 0)) * 1_000_000
        // timerfd treats an initial value of 0 as "disarm": fire after 1 ns instead.
        let rc = parley_linux_timerfd_set(fd, max(initialNs, 1), intervalNs)
        guard rc == 0 else {
            _ = parley_linux_close(fd)
            throw RealtimeError(.timerfd, errno: -rc, context: "timerfd_settime")
        }
        let work = LoopWork<Void>(handler)
        let oneShot = repeatEveryMs == nil
        let loop = Unowned(self)
        do {
            try add(fd: fd, interest: .readable, isTimer: true, handler: LoopWork { _ in
                if oneShot { loop.value.cancelTimer(fd: fd) }
                work.body(())
            })
        } catch {
            _ = parley_linux_close(fd)
            throw error
        }
        let generation = registrations.withLock { $0[fd]?.generation ?? 0 }
        return EventLoopTimerID(fd: fd, generation: generation)
    }

    /// Cancels a timer; its handler will not run afterwards when called on the loop
    /// thread. Any thread.
    public func cancelTimer(_ id: EventLoopTimerID) {
        let matches = registrations.withLock { $0[id.fd]?.generation == id.generation }
        if matches { cancelTimer(fd: id.fd) }
    }

    private func cancelTimer(fd: Int32) {
        let removed = registrations.withLock { $0.removeValue(forKey: fd) }
        if removed != nil {
            _ = parley_linux_epoll_remove(epollFD, fd)
            _ = parley_linux_close(fd)
        }
    }
}

/// An unowned reference that may cross into loop closures (the loop outlives them:
/// they are dropped with its registration table).
struct Unowned<T: AnyObject>: @unchecked Sendable {
    unowned(unsafe) let value: T
    init(_ value: T) { self.value = value }
}

private func eventLoopThreadEntry(_ raw: UnsafeMutableRawPointer?) {
    guard let raw else { return }
    let box = Unmanaged<EventLoop.StartBox>.fromOpaque(raw).takeRetainedValue()
    box.loop.runThread(name: box.name)
}
