// FramePool — preallocated PCM frames (Int16 samples) handed out as small index
// handles, so frames travel through SPSC rings without ARC traffic.
//
// Safety invariants:
// - All frame storage is one allocation made in `init` and freed in `deinit`; a
//   handle's samples are `storage[index * samplesPerFrame ..< (index + 1) * samplesPerFrame]`,
//   always in bounds because `index < frameCount` is checked on every access.
// - The free list is a Treiber stack over frame indices with a 32-bit generation tag
//   in the head word (ABA protection). `next[i]` is an atomic, so a racing reader of a
//   node being popped elsewhere reads a stale but well-defined value; the tagged CAS
//   then fails and it retries. acquire/release pairs:
//     `release`: `head.compareExchange(successOrdering: .releasing)` publishes the
//        holder's writes to the frame and `next[index]`
//     `acquire`: `head.load(.acquiring)` / `compareExchange(.acquiringAndReleasing)`
//        observes them before handing the frame to the new holder.
// - `inUse[i]` is exchanged on acquire/release so a double release is refused
//   (returns false) instead of corrupting the free list.
// - The holder of a handle is the only party that touches that frame's samples
//   between `acquire` and `release` (a contract, like the ring's single producer):
//   this is what makes `@unchecked Sendable` sound.
import Synchronization

/// A frame in a `FramePool`, by index. Plain data: copy it through rings freely.
public struct FrameHandle: BitwiseCopyable, Sendable, Hashable {
    public let index: UInt32
    @inlinable public init(index: UInt32) { self.index = index }
}

public final class FramePool: @unchecked Sendable {
    public let frameCount: Int
    public let samplesPerFrame: Int

    @usableFromInline let storage: UnsafeMutablePointer<Int16>
    private let next: UnsafeMutablePointer<Atomic<UInt32>>
    private let inUse: UnsafeMutablePointer<Atomic<Bool>>
    /// (generation << 32) | top index; `FramePool.empty` as index when empty.
    private let head: Atomic<UInt64>
    private let available: Atomic<Int>

    private static let empty: UInt32 = .max

    /// Allocates `frameCount` frames of `samplesPerFrame` zeroed samples (setup only).
    public init(frameCount: Int, samplesPerFrame: Int) {
        precondition(frameCount > 0 && frameCount < Int(UInt32.max) && samplesPerFrame > 0,
                     "FramePool: frameCount and samplesPerFrame must be positive")
        self.frameCount = frameCount
        self.samplesPerFrame = samplesPerFrame
        storage = .allocate(capacity: frameCount * samplesPerFrame)
        storage.initialize(repeating: 0, count: frameCount * samplesPerFrame)
        next = .allocate(capacity: frameCount)
        inUse = .allocate(capacity: frameCount)
        for i in 0..<frameCount {
            let successor = i + 1 < frameCount ? UInt32(i + 1) : Self.empty
            (next + i).initialize(to: Atomic(successor))
            (inUse + i).initialize(to: Atomic(false))
        }
        head = Atomic(UInt64(0))
        available = Atomic(frameCount)
    }

    deinit {
        next.deinitialize(count: frameCount)
        inUse.deinitialize(count: frameCount)
        next.deallocate()
        inUse.deallocate()
        storage.deallocate()
    }

    /// Takes a free frame, or nil when the pool is exhausted. Any thread; lock-free,
    /// no allocation. The frame keeps whatever samples its last holder wrote.
    public func acquire() -> FrameHandle? {
        // Pairs with the `.releasing` CAS in `release`.
        var old = head.load(ordering: .acquiring)
        while true {
            let index = UInt32(truncatingIfNeeded: old)
            if index == Self.empty { return nil }
            // Relaxed: a stale value is harmless, the tagged CAS below rejects it.
            let successor = next[Int(index)].load(ordering: .relaxed)
            let new = ((old >> 32) &+ 1) << 32 | UInt64(successor)
            let (exchanged, current) = head.compareExchange(
                expected: old, desired: new,
                successOrdering: .acquiringAndReleasing, failureOrdering: .acquiring)
            if exchanged {
                inUse[Int(index)].store(true, ordering: .relaxed)
                available.wrappingSubtract(1, ordering: .relaxed)
                return FrameHandle(index: index)
            }
            old = current
        }
    }

    /// Returns a frame to the pool. Any thread. Returns false (and changes nothing)
    /// for a handle not from this pool or one already released.
    @discardableResult
    public func release(_ handle: FrameHandle) -> Bool {
        let index = Int(handle.index)
        guard index < frameCount else { return false }
        // Relaxed: only decides ownership of this slot; the CAS below publishes.
        guard inUse[index].exchange(false, ordering: .relaxed) else { return false }
        var old = head.load(ordering: .relaxed)
        while true {
            next[index].store(UInt32(truncatingIfNeeded: old), ordering: .relaxed)
            let new = ((old >> 32) &+ 1) << 32 | UInt64(handle.index)
            // Pairs with the `.acquiring` load/CAS in `acquire`.
            let (exchanged, current) = head.compareExchange(
                expected: old, desired: new,
                successOrdering: .releasing, failureOrdering: .relaxed)
            if exchanged { break }
            old = current
        }
        available.wrappingAdd(1, ordering: .relaxed)
        return true
    }

    /// Free frames at some instant (statistic).
    public var availableCount: Int { available.load(ordering: .relaxed) }

    /// The frame's samples, valid while the caller holds the handle. Traps on a
    /// handle outside this pool (a programming error, not input).
    @inlinable @inline(__always)
    public func samples(_ handle: FrameHandle) -> UnsafeMutableBufferPointer<Int16> {
        let index = Int(handle.index)
        precondition(index < frameCount, "FrameHandle out of range")
        return UnsafeMutableBufferPointer(start: storage + index * samplesPerFrame, count: samplesPerFrame)
    }

    /// Runs `body` with the frame's samples as a `MutableSpan`.
    @inlinable @inline(__always)
    public func withSamples<R, E: Error>(
        _ handle: FrameHandle, _ body: (inout MutableSpan<Int16>) throws(E) -> R
    ) throws(E) -> R {
        var span = samples(handle).mutableSpan
        return try body(&span)
    }

    /// Runs `body` with the frame's samples as a read-only `Span`.
    @inlinable @inline(__always)
    public func withSamples<R, E: Error>(
        reading handle: FrameHandle, _ body: (Span<Int16>) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeBufferPointer(samples(handle)).span)
    }
}
