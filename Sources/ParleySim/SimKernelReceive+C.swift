// Safety invariants:
// - The datagram buffer, the iovec, the control buffer and the msghdr are allocated once
//   in `init` and freed in `deinit`; the msghdr carries the exact lengths of its own
//   buffers and the control length is reset before every recvmsg, so the kernel never
//   writes past them.
// - Control messages are walked with the kernel's CMSG alignment (8 bytes on LP64) and
//   every read is bounds-checked against the length the kernel returned.
// - The payload span handed to `receive`'s closure does not outlive the closure; one
//   thread (the simulator's receive thread) uses an instance at a time: the invariant
//   behind `@unchecked Sendable`.
import Glibc

/// One nonblocking `recvmsg` with the kernel's receive timestamp (SO_TIMESTAMPNS), for the
/// simulator's RTP receive: the kernel stamps a loopback datagram in the sender's own
/// system call, so the interval between two stamps is the interval between the bot's two
/// sends — the simulator's receive-thread wake-up latency (large on a busy machine) does
/// not count as the bot's pacing error or jitter.
public final class SimKernelReceive: @unchecked Sendable {
    /// SO_TIMESTAMPNS (= SCM_TIMESTAMPNS) on x86-64/arm64, and its y2038 twin.
    public static let timestampNsOption: Int32 = 35
    public static let timestampNsNewOption: Int32 = 64
    /// Control space per datagram that holds the timestamp message.
    public static let controlBytes = 64

    let datagramBytes: Int
    private let data: UnsafeMutablePointer<UInt8>
    private let control: UnsafeMutablePointer<UInt8>
    private let vector: UnsafeMutablePointer<iovec>
    private let header: UnsafeMutablePointer<msghdr>

    /// Turns kernel receive timestamps on for `fd`; false if the kernel refused.
    public static func enableTimestamps(fd: Int32) -> Bool {
        var on: Int32 = 1
        return setsockopt(fd, SOL_SOCKET, timestampNsOption, &on, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    init(datagramBytes: Int) {
        self.datagramBytes = datagramBytes
        data = .allocate(capacity: datagramBytes)
        data.initialize(repeating: 0, count: datagramBytes)
        control = .allocate(capacity: Self.controlBytes)
        control.initialize(repeating: 0, count: Self.controlBytes)
        vector = .allocate(capacity: 1)
        vector.initialize(to: iovec(iov_base: UnsafeMutableRawPointer(data), iov_len: datagramBytes))
        header = .allocate(capacity: 1)
        var h = msghdr()
        h.msg_iov = vector
        h.msg_iovlen = 1
        h.msg_control = UnsafeMutableRawPointer(control)
        h.msg_controllen = Self.controlBytes
        header.initialize(to: h)
    }

    deinit {
        data.deallocate()
        control.deallocate()
        vector.deallocate()
        header.deallocate()
    }

    /// Receives one datagram from `fd` if one waits: calls `body` with its payload, whether
    /// it was truncated, and the kernel's receive time (CLOCK_REALTIME ns; nil if absent).
    /// Returns false when nothing waits (or the socket failed).
    func receive(fd: Int32, _ body: (Span<UInt8>, _ truncated: Bool, _ kernelNs: UInt64?) -> Void) -> Bool {
        header.pointee.msg_controllen = Self.controlBytes
        header.pointee.msg_flags = 0
        let n = recvmsg(fd, header, Int32(MSG_DONTWAIT))
        guard n >= 0 else { return false }
        let truncated = header.pointee.msg_flags & Int32(MSG_TRUNC) != 0
        let buffer = UnsafeBufferPointer(start: data, count: min(n, datagramBytes))
        body(buffer.span, truncated, timestampNs())
        return true
    }

    /// The system clock now (CLOCK_REALTIME ns), the clock of `receive`'s kernel times.
    static func realtimeNowNs() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    func timestampNs() -> UInt64? {
        Self.timestampNs(control: UnsafeRawPointer(control), length: Int(header.pointee.msg_controllen))
    }

    /// The SO_TIMESTAMPNS receive time (CLOCK_REALTIME ns) in a `recvmsg` control buffer
    /// of `controlBytes` whose used `length` the kernel reported; nil if absent or malformed.
    public static func timestampNs(control base: UnsafeRawPointer, length reported: Int) -> UInt64? {
        let length = min(reported, controlBytes)
        let headerBytes = MemoryLayout<cmsghdr>.size   // 16 on LP64, already 8-aligned
        var offset = 0
        while offset + headerBytes <= length {
            let cmsgLength = base.loadUnaligned(fromByteOffset: offset, as: Int.self)
            let level = base.loadUnaligned(fromByteOffset: offset + 8, as: Int32.self)
            let type = base.loadUnaligned(fromByteOffset: offset + 12, as: Int32.self)
            guard cmsgLength >= headerBytes, offset + cmsgLength <= length else { return nil }
            if level == SOL_SOCKET, type == timestampNsOption || type == timestampNsNewOption,
               cmsgLength >= headerBytes + 16 {
                let seconds = base.loadUnaligned(fromByteOffset: offset + headerBytes, as: Int64.self)
                let nanoseconds = base.loadUnaligned(fromByteOffset: offset + headerBytes + 8, as: Int64.self)
                return UInt64(seconds) &* 1_000_000_000 &+ UInt64(nanoseconds)
            }
            offset += (cmsgLength + 7) & ~7
        }
        return nil
    }
}
