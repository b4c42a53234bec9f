// Safety invariants (unsafe code in this file):
// - `storage` is allocated once in `init` with `capacity` Int16 elements and freed once in
//   `deinit`; no pointer to it escapes this type.
// - Single producer, single consumer: only the producer calls `write` and only the consumer
//   calls `read`/`discardAll`. The producer owns `tail`, the consumer owns `head`.
// - Elements in [head, tail) belong to the consumer; elements in [tail, head + capacity)
//   to the producer. Indices grow without wrapping (Int is 64-bit); a slot is
//   `index & mask`.
// This is a stand-in until ParleyRealtime's SPSC ring is available; the interface
// (write never blocks, a full ring drops and counts) stays the same.
import Synchronization

/// A fixed-capacity single-producer/single-consumer ring of 16-bit samples.
final class SampleRing: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Int16>
    let capacity: Int
    private let mask: Int
    /// Next slot to read. Written by the consumer (release), read by the producer (acquire).
    private let head = Atomic<Int>(0)
    /// Next slot to write. Written by the producer (release), read by the consumer (acquire).
    private let tail = Atomic<Int>(0)
    /// Samples the producer could not store because the ring was full.
    let droppedSamples = Atomic<Int>(0)

    /// `capacity` is rounded up to a power of two.
    init(capacity: Int) {
        var size = 1
        while size < max(capacity, 2) { size <<= 1 }
        self.capacity = size
        self.mask = size - 1
        storage = UnsafeMutablePointer<Int16>.allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
    }

    deinit { storage.deallocate() }

    /// Producer: copies as many samples as fit, drops and counts the rest. Never blocks,
    /// never allocates.
    @discardableResult
    func write(_ samples: Span<Int16>) -> Int {
        let writeIndex = tail.load(ordering: .relaxed) // own index
        // Pairs with the consumer's release store of `head` in `read`.
        let readIndex = head.load(ordering: .acquiring)
        let free = capacity - (writeIndex - readIndex)
        let count = min(free, samples.count)
        for offset in 0..<count {
            storage[(writeIndex + offset) & mask] = samples[offset]
        }
        if count < samples.count {
            droppedSamples.add(samples.count - count, ordering: .relaxed)
        }
        // Pairs with the consumer's acquire load of `tail` in `read`.
        tail.store(writeIndex + count, ordering: .releasing)
        return count
    }

    /// Consumer: copies up to `buffer.count` samples into `buffer` from its start.
    func read(into buffer: inout [Int16]) -> Int {
        let readIndex = head.load(ordering: .relaxed) // own index
        // Pairs with the producer's release store of `tail` in `write`.
        let writeIndex = tail.load(ordering: .acquiring)
        let count = min(writeIndex - readIndex, buffer.count)
        if count == 0 { return 0 }
        buffer.withUnsafeMutableBufferPointer { out in
            for offset in 0..<count {
                out[offset] = storage[(readIndex + offset) & mask]
            }
        }
        // Pairs with the producer's acquire load of `head` in `write`.
        head.store(readIndex + count, ordering: .releasing)
        return count
    }

    /// Consumer: samples waiting to be read.
    var availableToRead: Int {
        // Pairs with the producer's release store of `tail`.
        tail.load(ordering: .acquiring) - head.load(ordering: .relaxed)
    }
}
