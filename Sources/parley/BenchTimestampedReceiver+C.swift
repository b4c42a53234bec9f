// Safety invariants:
// - Every buffer handed to the kernel (datagram slots, iovecs, control buffers, the
//   msghdr array) is allocated once in `init`, sized for `capacity` datagrams, and freed
//   in `deinit`; each msghdr carries the exact lengths of its own slot and control
//   buffer, and the control length is reset before every recvmsg, so the kernel never
//   writes past them.
// - Control messages are walked with the kernel's CMSG alignment (8 bytes on LP64) and
//   every read is bounds-checked against the length the kernel returned.
// - Payload spans handed to closures do not outlive the closure; one thread uses an
//   instance at a time (`@unchecked Sendable` only lets it be built on another thread).
import Glibc
import ParleySim

/// Batched receive (recvmsg until the socket is empty or `capacity` datagrams:
/// Glibc's Swift module does not export recvmmsg) with kernel receive timestamps (SO_TIMESTAMPNS) for `parley bench pacing`.
/// The kernel stamps a loopback datagram when it enters the receive path (netif_rx, in
/// the sender's own system call, with net.core.netdev_tstamp_prequeue = 1), so the
/// interval between two stamps is the interval between the two sends: the measuring
/// thread's own wake-up latency does not count as the sender's pacing error.
final class BenchTimestampedReceiver: @unchecked Sendable {
    /// Control space per datagram (the timestamp layout is `SimKernelReceive`'s).
    static let controlBytes = SimKernelReceive.controlBytes

    let capacity: Int
    let datagramBytes: Int
    private let data: UnsafeMutablePointer<UInt8>
    private let control: UnsafeMutablePointer<UInt8>
    private let iovecs: UnsafeMutablePointer<iovec>
    private let headers: UnsafeMutablePointer<msghdr>
    private let lengths: UnsafeMutablePointer<Int>
    private(set) var count = 0

    /// Turns kernel receive timestamps on for `fd`; false if the kernel refused.
    static func enableTimestamps(fd: Int32) -> Bool { SimKernelReceive.enableTimestamps(fd: fd) }

    init(capacity: Int, datagramBytes: Int) {
        self.capacity = capacity
        self.datagramBytes = datagramBytes
        data = .allocate(capacity: capacity * datagramBytes)
        data.initialize(repeating: 0, count: capacity * datagramBytes)
        control = .allocate(capacity: capacity * Self.controlBytes)
        control.initialize(repeating: 0, count: capacity * Self.controlBytes)
        iovecs = .allocate(capacity: capacity)
        headers = .allocate(capacity: capacity)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        for i in 0..<capacity {
            iovecs[i] = iovec(iov_base: UnsafeMutableRawPointer(data + i * datagramBytes), iov_len: datagramBytes)
            var h = msghdr()
            h.msg_iov = iovecs + i
            h.msg_iovlen = 1
            h.msg_control = UnsafeMutableRawPointer(control + i * Self.controlBytes)
            h.msg_controllen = Self.controlBytes
            headers[i] = h
        }
    }

    deinit {
        data.deallocate()
        control.deallocate()
        iovecs.deallocate()
        headers.deallocate()
        lengths.deallocate()
    }

    /// Nonblocking receive on `fd`: the number of datagrams received (0 when none).
    func receive(fd: Int32) -> Int {
        count = 0
        while count < capacity {
            headers[count].msg_controllen = Self.controlBytes
            headers[count].msg_flags = 0
            let n = recvmsg(fd, headers + count, Int32(MSG_DONTWAIT))
            guard n >= 0 else { break }
            lengths[count] = n
            count += 1
        }
        return count
    }

    /// The kernel's receive time of datagram `index` (CLOCK_REALTIME ns), nil if absent.
    func timestampNs(at index: Int) -> UInt64? {
        precondition(index >= 0 && index < count, "datagram index out of range")
        return SimKernelReceive.timestampNs(control: UnsafeRawPointer(control + index * Self.controlBytes),
                                            length: Int(headers[index].msg_controllen))
    }

    /// The payload of datagram `index` as a read-only span.
    func withPayload<R>(at index: Int, _ body: (Span<UInt8>) -> R) -> R {
        precondition(index >= 0 && index < count, "datagram index out of range")
        let length = min(lengths[index], datagramBytes)
        let buffer = UnsafeBufferPointer(start: data + index * datagramBytes, count: length)
        return body(buffer.span)
    }
}
