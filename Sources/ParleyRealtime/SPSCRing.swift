// SPSCRing — a fixed-capacity single-producer/single-consumer ring of BitwiseCopyable
// values, the only channel between Parley's thread domains.
//
// Safety invariants:
// - Exactly one thread calls the producer methods (`tryPush`) and exactly one thread
//   calls the consumer methods (`tryPop`, `popAll`) at any time; `capacity`,
//   `droppedCount` and `approximateCount` may be read from any thread. This is the
//   invariant behind `@unchecked Sendable`: it is the caller's contract, not checked.
// - `head` (next slot to read) is written only by the consumer, `tail` (next slot to
//   write) only by the producer. Both grow without bound (UInt64 wraps after 2^64
//   operations: never) and are masked into the slot storage.
// - A slot is written by the producer only while `tail - head < capacity` as seen by
//   the producer, i.e. after the consumer released it; it is read by the consumer only
//   while `head < tail`, i.e. after the producer published it. Publication pairs:
//     producer `tail.store(.releasing)`  →  consumer `tail.load(.acquiring)`
//     consumer `head.store(.releasing)`  →  producer `head.load(.acquiring)`
// - The hot methods are @inlinable so callers get them specialised for their Element.
// - Each side keeps a private cache of the other side's index (`producerCachedHead`,
//   `consumerCachedTail`) in its own cache line, reloading the shared index only when
//   the cache says full/empty; these are plain memory touched by one thread only.
// - Elements are BitwiseCopyable: slots need no deinitialisation and a stale copy
//   left in a slot owns nothing.
import Synchronization

public final class SPSCRing<Element: BitwiseCopyable>: @unchecked Sendable {
    public let capacity: Int
    @usableFromInline let mask: UInt64
    @usableFromInline let slots: UnsafeMutablePointer<Element>
    /// Producer-private state (its own cache line): [0] = cached head.
    @usableFromInline let producerLocal: UnsafeMutablePointer<UInt64>
    /// Consumer-private state (its own cache line): [0] = cached tail.
    @usableFromInline let consumerLocal: UnsafeMutablePointer<UInt64>

    // The two shared indices are separated by padding so producer and consumer
    // do not write the same cache line.
    @usableFromInline let head = Atomic<UInt64>(0)
    private let padding0: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                           UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline let tail = Atomic<UInt64>(0)
    private let padding1: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                           UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline let drops = Atomic<UInt64>(0)

    private static var cacheLine: Int { 128 }

    /// - Parameter capacity: rounded up to a power of two, at least 2.
    public init(capacity requested: Int) {
        var cap = 2
        while cap < requested { cap <<= 1 }
        capacity = cap
        mask = UInt64(cap - 1)
        slots = UnsafeMutablePointer<Element>.allocate(capacity: cap)
        let line = Self.cacheLine
        producerLocal = UnsafeMutableRawPointer.allocate(byteCount: line, alignment: line)
            .bindMemory(to: UInt64.self, capacity: line / 8)
        producerLocal.initialize(repeating: 0, count: line / 8)
        consumerLocal = UnsafeMutableRawPointer.allocate(byteCount: line, alignment: line)
            .bindMemory(to: UInt64.self, capacity: line / 8)
        consumerLocal.initialize(repeating: 0, count: line / 8)
        _ = padding0
        _ = padding1
    }

    deinit {
        slots.deallocate()
        producerLocal.deallocate()
        consumerLocal.deallocate()
    }

    // MARK: producer side

    /// Appends `element`; returns false (and counts a drop) when the ring is full.
    /// Producer thread only. Never blocks, never allocates.
    @inlinable @inline(__always)
    public func tryPush(_ element: Element) -> Bool {
        // Only the producer writes `tail`: a relaxed load sees its own last store.
        let t = tail.load(ordering: .relaxed)
        if t &- producerLocal.pointee >= UInt64(capacity) {
            // Pairs with the consumer's `head.store(.releasing)`: the slot we are about
            // to overwrite has been fully read.
            producerLocal.pointee = head.load(ordering: .acquiring)
            if t &- producerLocal.pointee >= UInt64(capacity) {
                // Counter only; no other memory is published through it.
                drops.wrappingAdd(1, ordering: .relaxed)
                return false
            }
        }
        (slots + Int(t & mask)).initialize(to: element)
        // Pairs with the consumer's `tail.load(.acquiring)`: publishes the slot write.
        tail.store(t &+ 1, ordering: .releasing)
        return true
    }

    // MARK: consumer side

    /// Removes the oldest element, or returns nil when empty. Consumer thread only.
    @inlinable @inline(__always)
    public func tryPop() -> Element? {
        // Only the consumer writes `head`: a relaxed load sees its own last store.
        let h = head.load(ordering: .relaxed)
        if h == consumerLocal.pointee {
            // Pairs with the producer's `tail.store(.releasing)`: slot contents visible.
            consumerLocal.pointee = tail.load(ordering: .acquiring)
            if h == consumerLocal.pointee { return nil }
        }
        let element = slots[Int(h & mask)]
        // Pairs with the producer's `head.load(.acquiring)`: the slot may be reused.
        head.store(h &+ 1, ordering: .releasing)
        return element
    }

    /// Pops everything available now, calling `body` for each element in order.
    /// Returns the number popped. Consumer thread only.
    @inlinable @inline(__always)
    public func popAll(_ body: (Element) throws -> Void) rethrows -> Int {
        var popped = 0
        while let element = tryPop() {
            try body(element)
            popped += 1
        }
        return popped
    }

    // MARK: either side

    /// Elements refused by `tryPush` because the ring was full. Any thread.
    public var droppedCount: UInt64 {
        // Statistic only; relaxed pairs with the producer's relaxed increment.
        drops.load(ordering: .relaxed)
    }

    /// Number of elements in the ring at some instant during the call. Any thread.
    public var approximateCount: Int {
        // Statistics: acquire both so the difference is never negative for a reader
        // on either side (head is loaded first; tail only grows afterwards).
        let h = head.load(ordering: .acquiring)
        let t = tail.load(ordering: .acquiring)
        return Int(min(t &- h, UInt64(capacity)))
    }

    public var isEmpty: Bool { approximateCount == 0 }
}
