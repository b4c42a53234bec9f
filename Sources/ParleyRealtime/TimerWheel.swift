// TimerWheel — a hashed timer wheel with millisecond resolution for protocol timers
// (SIP T1/T2/B/F/H…). Pure: it reads no clock; the owner passes the current time to
// `advance(toMs:)` and gets back what fired, in deadline order.
//
// Safety invariants: no unsafe code. Not thread-safe: one owner (e.g. the signalling
// loop) mutates it.

public struct TimerWheel<Payload> {
    public struct TimerID: Sendable, Hashable {
        public let rawValue: UInt64
    }

    public struct Fired {
        public let id: TimerID
        public let deadlineMs: Int64
        public let payload: Payload
    }

    struct Entry {
        let deadlineMs: Int64
        let payload: Payload
    }

    public private(set) var nowMs: Int64
    private var slots: [[UInt64]]
    private var entries: [UInt64: Entry] = [:]
    private var nextID: UInt64 = 1
    private let mask: Int64

    /// - Parameters:
    ///   - startMs: the current time on the owner's clock.
    ///   - slotCount: rounded up to a power of two; one slot per millisecond.
    public init(startMs: Int64, slotCount: Int = 1024) {
        var count = 2
        while count < slotCount { count <<= 1 }
        nowMs = startMs
        slots = Array(repeating: [], count: count)
        mask = Int64(count - 1)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Schedules `payload` to fire at `deadlineMs` (a past deadline fires on the next
    /// `advance`).
    @discardableResult
    public mutating func schedule(_ payload: Payload, atMs deadlineMs: Int64) -> TimerID {
        let id = nextID
        nextID += 1
        let deadline = max(deadlineMs, nowMs + 1)
        entries[id] = Entry(deadlineMs: deadline, payload: payload)
        slots[Int(deadline & mask)].append(id)
        return TimerID(rawValue: id)
    }

    @discardableResult
    public mutating func schedule(_ payload: Payload, afterMs delayMs: Int64) -> TimerID {
        schedule(payload, atMs: nowMs + max(delayMs, 0))
    }

    /// Cancels a pending timer; returns its payload, or nil if it fired or was cancelled.
    @discardableResult
    public mutating func cancel(_ id: TimerID) -> Payload? {
        // The slot keeps a stale id; it is skipped when its slot is visited.
        entries.removeValue(forKey: id.rawValue)?.payload
    }

    /// Deadline of a pending timer.
    public func deadlineMs(of id: TimerID) -> Int64? { entries[id.rawValue]?.deadlineMs }

    /// The earliest pending deadline (O(n); for sizing the owner's sleep).
    public var nextDeadlineMs: Int64? { entries.values.lazy.map(\.deadlineMs).min() }

    /// Moves time forward to `toMs` and returns every timer with a deadline at or before
    /// it, sorted by deadline then scheduling order. Time never goes backwards.
    public mutating func advance(toMs target: Int64) -> [Fired] {
        guard target > nowMs else { return [] }
        var fired: [Fired] = []
        let span = target - nowMs
        if span >= Int64(slots.count) {
            for s in slots.indices { collect(slot: s, upTo: target, into: &fired) }
        } else {
            var t = nowMs + 1
            while t <= target {
                collect(slot: Int(t & mask), upTo: target, into: &fired)
                t += 1
            }
        }
        nowMs = target
        fired.sort { ($0.deadlineMs, $0.id.rawValue) < ($1.deadlineMs, $1.id.rawValue) }
        return fired
    }

    private mutating func collect(slot s: Int, upTo target: Int64, into fired: inout [Fired]) {
        guard !slots[s].isEmpty else { return }
        var kept: [UInt64] = []
        for id in slots[s] {
            guard let entry = entries[id] else { continue }  // cancelled
            if entry.deadlineMs <= target {
                entries[id] = nil
                fired.append(Fired(id: TimerID(rawValue: id), deadlineMs: entry.deadlineMs, payload: entry.payload))
            } else {
                kept.append(id)
            }
        }
        slots[s] = kept
    }
}

extension TimerWheel: Sendable where Payload: Sendable {}
extension TimerWheel.Fired: Sendable where Payload: Sendable {}
extension TimerWheel.Entry: Sendable where Payload: Sendable {}
