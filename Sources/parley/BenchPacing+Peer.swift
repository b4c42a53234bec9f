import Glibc
import ParleyRTP
import ParleyRealtime
import Synchronization

/// The bench's own RTP peer for `parley bench pacing`: a sender feeding every call and a
/// receiver timing every packet the calls send. Both are built not to allocate after setup.
extension BenchPacing {
    /// |interval − 20 ms| in 1 µs buckets up to 20 ms, then overflow. Owned by one thread.
    final class ErrorHistogram: @unchecked Sendable {
        var buckets = [UInt64](repeating: 0, count: 20_001)
        var count: UInt64 = 0
        var maxUs: UInt64 = 0
        func record(intervalNs: UInt64) {
            let error = intervalNs > tickNs ? intervalNs - tickNs : tickNs - intervalNs
            record(errorNs: error)
        }
        func record(errorNs: UInt64) {
            let us = errorNs / 1000
            buckets[Int(min(us, 20_000))] &+= 1
            count &+= 1
            if us > maxUs { maxUs = us }
        }
        func quantileUs(_ q: Double) -> Double {
            guard count > 0 else { return 0 }
            let target = max(1, UInt64((Double(count) * q).rounded(.up)))
            var seen: UInt64 = 0
            for (i, n) in buckets.enumerated() {
                seen += n
                if seen >= target { return i == 20_000 ? Double(maxUs) : Double(i) }
            }
            return Double(maxUs)
        }
        var summary: Quantiles {
            Quantiles(p50: quantileUs(0.5), p99: quantileUs(0.99), p999: quantileUs(0.999), max: Double(maxUs),
                      samples: count)
        }
    }

    struct Quantiles {
        var p50: Double, p99: Double, p999: Double, max: Double, samples: UInt64
    }

    /// The peer's receive side: per call, the kernel receive time (SO_TIMESTAMPNS) and
    /// sequence number of its last packet. Pacing error is |Δ kernel stamp − 20 ms| between
    /// consecutive packets of a call. Beside it: how long each packet waited in the socket
    /// before this thread read it (`delay`), and — when the receiver is woken per packet
    /// (`--epoll-receiver`) — the interval error seen with user-space timestamps, which
    /// is what the bench measured before kernel stamps (receiver latency included).
    final class Receiver: @unchecked Sendable {
        let rx: BenchTimestampedReceiver
        let histogram = ErrorHistogram()
        let userHistogram = ErrorHistogram()
        let delay = ErrorHistogram()
        var lastStampNs: [UInt64]
        var lastUserNs: [UInt64]
        var lastSequence: [UInt16]
        var received: [UInt64]
        var lost: UInt64 = 0
        var unstamped: UInt64 = 0
        let index: [UInt32: Int]
        let measuring = Atomic<Bool>(false)
        init(ssrcs: [UInt32]) {
            rx = BenchTimestampedReceiver(capacity: 64, datagramBytes: 256)
            lastStampNs = [UInt64](repeating: 0, count: ssrcs.count)
            lastUserNs = [UInt64](repeating: 0, count: ssrcs.count)
            lastSequence = [UInt16](repeating: 0, count: ssrcs.count)
            received = [UInt64](repeating: 0, count: ssrcs.count)
            var map: [UInt32: Int] = [:]
            for (i, s) in ssrcs.enumerated() { map[s] = i }
            index = map
        }
        func drain(_ fd: Int32) {
            while true {
                let n = rx.receive(fd: fd)
                guard n > 0 else { return }
                let userNs = Monotonic.nowNs()
                let wallNs = Self.realtimeNs()
                // Acquire pairs with the main thread's releasing store that opens the window.
                let counting = measuring.load(ordering: .acquiring)
                for i in 0..<n {
                    guard let header = rx.withPayload(at: i, { try? RTPHeader(parsing: $0) }),
                          let call = index[header.ssrc] else { continue }
                    guard let stamp = rx.timestampNs(at: i) else {
                        unstamped &+= 1
                        continue
                    }
                    if counting && lastStampNs[call] != 0 {
                        let gap = Int(header.sequenceNumber &- lastSequence[call])
                        if gap == 1 && stamp > lastStampNs[call] {
                            histogram.record(intervalNs: stamp - lastStampNs[call])
                            userHistogram.record(intervalNs: userNs - lastUserNs[call])
                        } else if gap > 1 && gap < 1000 {
                            lost &+= UInt64(gap - 1)
                        }
                        delay.record(errorNs: wallNs > stamp ? wallNs - stamp : 0)
                        received[call] &+= 1
                    }
                    lastStampNs[call] = stamp
                    lastUserNs[call] = userNs
                    lastSequence[call] = header.sequenceNumber
                }
                if n < rx.capacity { return }
            }
        }
        static func realtimeNs() -> UInt64 {
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
        }
    }

    /// The peer's send side: one 20 ms G.711 packet to every call per tick, from the
    /// socket the call sends to (so symmetric RTP keeps that destination).
    final class Sender: @unchecked Sendable {
        let sockets: [UDPSocket]
        let destinations: [SocketAddress]
        let batch: DatagramBatch
        let payload = [UInt8](repeating: 0xFF, count: 160)
        var tick: UInt32 = 0
        init(sockets: [UDPSocket], destinations: [SocketAddress]) throws {
            self.sockets = sockets
            self.destinations = destinations
            batch = try DatagramBatch(capacity: callsPerPeerSocket, maxDatagramBytes: 256)
        }
        func send() {
            let body = payload
            var call = 0
            for socket in sockets {
                let group = min(callsPerPeerSocket, destinations.count - call)
                for k in 0..<group {
                    let header = RTPHeader(payloadType: 0, sequenceNumber: UInt16(truncatingIfNeeded: tick),
                                          timestamp: tick &* 160, ssrc: 0x1000_0000 &+ UInt32(call + k))
                    batch.setDatagram(at: k, to: destinations[call + k]) { out in
                        header.writePacket(into: &out, payload: body.span)
                    }
                }
                _ = socket.send(batch, count: group)
                call += group
            }
            tick &+= 1
        }
    }

    final class FloorState: @unchecked Sendable {
        var lastNs: UInt64 = 0
        let measuring = Atomic<Bool>(false)
    }
}
