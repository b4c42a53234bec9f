// Safety invariants:
// - `send` reads exactly the bytes of the span it is given, only for the duration of the
//   system call; it keeps no pointer.
import Glibc

/// One nonblocking `send` on a connected UDP socket, for the caller's paced RTP: without
/// a destination address the kernel reuses the socket's connected route instead of
/// looking one up for every datagram (`sendto` with an address does that even on a
/// connected socket).
enum SimConnectedSend {
    /// Sends `bytes` as one datagram on `fd` (connected); false if it was not sent whole.
    static func send(fd: Int32, _ bytes: Span<UInt8>) -> Bool {
        let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
        return n == bytes.count
    }
}
