// DatagramBatch — preallocated slots for recvmmsg/sendmmsg: `capacity` datagrams of
// up to `maxDatagramBytes` each, with their peer addresses.
//
// Safety invariants:
// - The C batch is created in `init` (setup allocation) and destroyed in `deinit`;
//   slot pointers come from it and index checks (`precondition(index < capacity)`)
//   keep every access inside the slot; spans handed to closures never outlive them.
// - A batch is used by one thread at a time (the one doing the I/O and reading the
//   slots); this is the contract behind `@unchecked Sendable`, which lets a batch be
//   created on one thread and handed to the I/O thread.
import CParleyLinux

public final class DatagramBatch: @unchecked Sendable {
    let raw: OpaquePointer
    public let capacity: Int
    public let maxDatagramBytes: Int
    /// Datagrams received by the last `UDPSocket.receive(_:)`.
    public internal(set) var count: Int = 0

    public init(capacity: Int, maxDatagramBytes: Int = 2048) throws(RealtimeError) {
        guard capacity > 0, maxDatagramBytes > 0,
              let raw = parley_linux_batch_create(UInt32(clamping: capacity), UInt32(clamping: maxDatagramBytes))
        else { throw RealtimeError(.outOfMemory, context: "DatagramBatch \(capacity)×\(maxDatagramBytes)") }
        self.raw = raw
        self.capacity = capacity
        self.maxDatagramBytes = maxDatagramBytes
    }

    deinit { parley_linux_batch_destroy(raw) }

    @inline(__always)
    private func slot(_ index: Int) -> UInt32 {
        precondition(index >= 0 && index < capacity, "DatagramBatch index out of range")
        return UInt32(index)
    }

    /// Length of datagram `index` (received, or set for sending).
    public func byteCount(at index: Int) -> Int { Int(parley_linux_batch_length(raw, slot(index))) }

    public func isTruncated(at index: Int) -> Bool { parley_linux_batch_truncated(raw, slot(index)) != 0 }

    /// Source of a received datagram, or destination of one set for sending.
    public func address(at index: Int) -> SocketAddress {
        var addr = parley_linux_addr()
        parley_linux_batch_get_addr(raw, slot(index), &addr)
        return SocketAddress(raw: addr)
    }

    /// The payload of datagram `index` as a read-only span.
    public func withPayload<R, E: Error>(at index: Int, _ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
        let i = slot(index)
        let buffer = UnsafeBufferPointer(start: parley_linux_batch_buffer(raw, i),
                                         count: Int(parley_linux_batch_length(raw, i)))
        return try body(buffer.span)
    }

    /// Copies the payload into `destination` (up to its count); returns bytes copied.
    public func copyPayload(at index: Int, into destination: inout [UInt8]) -> Int {
        withPayload(at: index) { payload in
            let n = min(payload.count, destination.count)
            for k in 0..<n { destination[k] = payload[k] }
            return n
        }
    }

    /// Sets datagram `index` for sending: copies `bytes` (false if too long).
    @discardableResult
    public func setDatagram(at index: Int, bytes: Span<UInt8>, to destination: SocketAddress) -> Bool {
        guard bytes.count <= maxDatagramBytes else { return false }
        let i = slot(index)
        let target = UnsafeMutableRawBufferPointer(start: parley_linux_batch_buffer(raw, i), count: maxDatagramBytes)
        bytes.withUnsafeBytes { target.copyMemory(from: $0) }
        parley_linux_batch_set_length(raw, i, UInt32(bytes.count))
        var addr = destination.raw
        parley_linux_batch_set_addr(raw, i, &addr)
        return true
    }

    @discardableResult
    public func setDatagram(at index: Int, bytes: [UInt8], to destination: SocketAddress) -> Bool {
        setDatagram(at: index, bytes: bytes.span, to: destination)
    }

    /// Sets datagram `index` for sending by writing in place: `body` fills the slot
    /// (capacity `maxDatagramBytes`) and returns the length used.
    public func setDatagram(at index: Int, to destination: SocketAddress,
                            writing body: (inout MutableSpan<UInt8>) -> Int) {
        let i = slot(index)
        let target = UnsafeMutableBufferPointer(start: parley_linux_batch_buffer(raw, i), count: maxDatagramBytes)
        var span = target.mutableSpan
        let length = body(&span)
        parley_linux_batch_set_length(raw, i, UInt32(clamping: max(0, min(length, maxDatagramBytes))))
        var addr = destination.raw
        parley_linux_batch_set_addr(raw, i, &addr)
    }
}
