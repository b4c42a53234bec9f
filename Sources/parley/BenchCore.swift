/// `parley bench core [--json]` — the realtime core's figures: SPSC ring cost
/// (single-thread push+pop pair, two-thread throughput), media-clock wake-up lateness,
/// and heap allocations on the per-frame path counted by the malloc interposer
/// (CParleyAllocCounter, linked into this binary only).
///
/// Codec figures come from `BenchCodecs.swift` (G.711, Opus, resampler), answer screening's
/// from `BenchAMD.swift`; the codec step
/// (μ-law decode → resample 8→16 kHz → μ-law encode) runs inside the counted frame path.
import CParleyAllocCounter
import Dispatch
import Foundation
import ParleyRealtime
import Synchronization

enum BenchCore {
    // MARK: codec hooks (BenchCodecs.swift)

    /// Extra figures (name, value) appended to the report, e.g. `g711_roundtrip_us_per_20ms`.
    static let codecFigures: (@Sendable () -> [(String, Double)])? = BenchCodecs.figures
    /// One frame's worth of codec work, run on every iteration of the counted frame path.
    static let codecFramePathStep: (@Sendable () -> Void)? = BenchCodecs.framePathStep

    // MARK: command

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        if let unknown = arguments.first(where: { $0 != "--json" }) {
            FileHandleOutput.error("parley bench core: unknown option '\(unknown)'\nusage: parley bench core [--json]")
            return 2
        }
        var figures: [(String, Double)] = []
        figures.append(("ring_push_pop_ns", ringPushPopNs(pairs: 20_000_000)))
        let twoThread = ringTwoThreadNsPerItem(items: 20_000_000)
        figures.append(("ring_two_thread_ns_per_item", twoThread))
        figures.append(("ring_two_thread_mitems_per_s", twoThread > 0 ? 1_000.0 / twoThread : 0))
        let (allocations, active) = framePathAllocations(iterations: 10_000, warmUp: 1_000)
        figures.append(("frame_path_allocations", Double(allocations)))
        figures.append(("frame_path_iterations", 10_000))
        figures.append(("alloc_counter_active", active ? 1 : 0))
        figures.append(("alloc_counter_control_100_arrays", Double(controlAllocations(arrays: 100))))
        let lateness = clockLateness(tickMs: 5, ticks: 200)
        figures.append(("rt_tick_lateness_p99_us", lateness.p99Us))
        figures.append(("rt_tick_lateness_max_us", lateness.maxUs))
        figures.append(("rt_tick_missed", lateness.missed))
        figures.append(("rt_loop_allocations", lateness.loopAllocations))
        figures += udpLoopback(datagrams: 20_000, payloadBytes: 172)
        if let codecFigures { figures += codecFigures() }
        figures += BenchAMD.figures()

        if json {
            let body = figures.map { "\"\($0.0)\": \(format($0.1))" }.joined(separator: ", ")
            print("{\(body)}")
        } else {
            print("parley bench core")
            for (name, value) in figures {
                print("  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(format(value))")
            }
            if !active { print("  warning: the allocation counter is not active in this binary") }
        }
        return active ? 0 : 1
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.3f", value)
    }

    // MARK: ring

    /// Average cost of one tryPush + tryPop pair on one thread.
    static func ringPushPopNs(pairs: Int) -> Double {
        let ring = SPSCRing<UInt64>(capacity: 1024)
        var sink: UInt64 = 0
        for i in 0..<10_000 { _ = ring.tryPush(UInt64(i)); sink &+= ring.tryPop() ?? 0 }
        let start = Monotonic.nowNs()
        for i in 0..<pairs {
            _ = ring.tryPush(UInt64(truncatingIfNeeded: i))
            sink &+= ring.tryPop() ?? 1
        }
        let elapsed = Monotonic.nowNs() - start
        blackHole(sink)
        return Double(elapsed) / Double(pairs)
    }

    /// Producer on this thread, consumer on another; wall time per item delivered.
    static func ringTwoThreadNsPerItem(items: UInt64) -> Double {
        let ring = SPSCRing<UInt64>(capacity: 4096)
        let done = DispatchSemaphore(value: 0)
        let sum = SumBox()
        let consumer = Thread {
            var received: UInt64 = 0
            var total: UInt64 = 0
            while received < items {
                if let v = ring.tryPop() {
                    total &+= v
                    received += 1
                }
            }
            sum.value = total
            done.signal()
        }
        let start = Monotonic.nowNs()
        consumer.start()
        var i: UInt64 = 0
        while i < items {
            if ring.tryPush(i) { i += 1 }
        }
        done.wait()
        let elapsed = Monotonic.nowNs() - start
        let expected = items * (items - 1) / 2
        if sum.value != expected { FileHandleOutput.error("bench core: ring lost or reordered items") }
        return Double(elapsed) / Double(items)
    }

    final class SumBox: @unchecked Sendable {
        // Written by the consumer before `done.signal()`, read after `done.wait()`.
        var value: UInt64 = 0
    }

    // MARK: frame path

    /// Heap allocations made by `iterations` runs of the per-frame path after warm-up:
    /// acquire a frame, fill 20 ms at 8 kHz, hand it through a ring, read it, release it,
    /// plus the codec step when present. Returns (count, whether the counter is live).
    static func framePathAllocations(iterations: Int, warmUp: Int) -> (UInt64, Bool) {
        let samples = 160
        let pool = FramePool(frameCount: 16, samplesPerFrame: samples)
        let ring = SPSCRing<FrameHandle>(capacity: 16)
        let step = codecFramePathStep
        var energy: Int64 = 0
        func iteration(_ n: Int) {
            guard let handle = pool.acquire() else { return }
            let frame = pool.samples(handle)
            for i in 0..<samples { frame[i] = Int16(truncatingIfNeeded: (n &* 31 &+ i &* 7) & 0x3fff) }
            _ = ring.tryPush(handle)
            if let popped = ring.tryPop() {
                energy &+= pool.withSamples(reading: popped) { span in
                    var e: Int64 = 0
                    for i in 0..<span.count { e &+= Int64(span[i]) * Int64(span[i]) }
                    return e
                }
                pool.release(popped)
            }
            step?()
        }
        for n in 0..<warmUp { iteration(n) }
        parley_alloc_counting_begin()
        for n in 0..<iterations { iteration(n) }
        let count = parley_alloc_counting_end()
        blackHole(UInt64(bitPattern: energy))
        return (count, parley_alloc_counter_is_active() != 0)
    }

    /// A control for the counter: `arrays` fresh heap arrays must count at least `arrays`.
    static func controlAllocations(arrays: Int) -> UInt64 {
        var sink: UInt64 = 0
        parley_alloc_counting_begin()
        for n in 0..<arrays {
            let array = [Int](repeating: n, count: 160 + n)
            sink &+= UInt64(truncatingIfNeeded: array[n])
        }
        let count = parley_alloc_counting_end()
        blackHole(sink)
        return count
    }

    // MARK: UDP

    /// The raw UDP ceiling on 127.0.0.1 with RTP-sized datagrams (12-byte header +
    /// 160 bytes of G.711): one sendto + recvfrom pair, and batches of 32 through
    /// sendmmsg/recvmmsg; plus allocations counted over both paths after warm-up.
    static func udpLoopback(datagrams: Int, payloadBytes: Int) -> [(String, Double)] {
        guard let a = try? UDPSocket.bind(to: .ipv4Loopback(port: 0), receiveBufferBytes: 4 << 20, sendBufferBytes: 4 << 20),
              let b = try? UDPSocket.bind(to: .ipv4Loopback(port: 0), receiveBufferBytes: 4 << 20),
              let outBatch = try? DatagramBatch(capacity: 32, maxDatagramBytes: 2048),
              let inBatch = try? DatagramBatch(capacity: 32, maxDatagramBytes: 2048)
        else { return [("udp_loopback_error", 1)] }
        let payload = [UInt8](repeating: 0x7f, count: payloadBytes)
        var buffer = [UInt8](repeating: 0, count: 2048)
        for i in 0..<32 { outBatch.setDatagram(at: i, bytes: payload, to: b.localAddress) }
        var lost = 0

        func single() {
            _ = a.send(payload, to: b.localAddress)
            if case .datagram = b.receive(into: &buffer) {} else { lost += 1 }
        }
        func batch() {
            guard case .transferred(let sent) = a.send(outBatch, count: 32) else { lost += 32; return }
            var received = 0
            while received < sent, case .transferred(let n) = b.receive(inBatch) { received += n }
            lost += sent - received
        }
        for _ in 0..<1_000 { single() }
        for _ in 0..<100 { batch() }
        parley_alloc_counting_begin()
        for _ in 0..<1_000 { single() }
        for _ in 0..<100 { batch() }
        let allocations = parley_alloc_counting_end()

        var start = Monotonic.nowNs()
        for _ in 0..<datagrams { single() }
        let singleNs = Double(Monotonic.nowNs() - start) / Double(datagrams)
        start = Monotonic.nowNs()
        let rounds = max(datagrams / 32, 1)
        for _ in 0..<rounds { batch() }
        let batchNs = Double(Monotonic.nowNs() - start) / Double(rounds * 32)
        return [("udp_send_recv_ns", singleNs), ("udp_batch32_send_recv_ns_per_datagram", batchNs),
                ("udp_path_allocations", Double(allocations)), ("udp_lost_on_loopback", Double(lost))]
    }

    // MARK: media clock

    /// Wake-up lateness of a RealtimeThread on a `tickMs` grid (the timer-jitter floor
    /// the media path lives with on this machine).
    static func clockLateness(tickMs: Int, ticks: UInt64)
        -> (p99Us: Double, maxUs: Double, missed: Double, loopAllocations: Double) {
        let done = DispatchSemaphore(value: 0)
        let allocations = Atomic<UInt64>(.max)
        let warmUpTicks: UInt64 = 10
        // The body counts allocations on the realtime thread itself (its loop and the
        // body) from tick `warmUpTicks` to the last tick.
        var phase = 0  // owned by the realtime thread once the body is sent to it
        guard let thread = try? RealtimeThread.start(
            clock: MediaClock(tickMs: tickMs), options: .init(name: "bench-clock"),
            body: { tick in
                if phase == 0, tick.index >= warmUpTicks {
                    phase = 1
                    parley_alloc_counting_begin()
                }
                if phase == 1, tick.index >= ticks {
                    phase = 2
                    // Release pairs with the acquiring load after `done.wait()`.
                    allocations.store(parley_alloc_counting_end(), ordering: .releasing)
                    done.signal()
                }
            })
        else { return (-1, -1, -1, -1) }
        _ = done.wait(timeout: .now() + .seconds(Int(ticks) * tickMs / 1000 + 10))
        let stats = thread.stop()
        let counted = allocations.load(ordering: .acquiring)
        return (Double(stats.p99LatenessNs) / 1000, Double(stats.maxLatenessNs) / 1000, Double(stats.missedTicks),
                counted == .max ? -1 : Double(counted))
    }

    @inline(never)
    static func blackHole(_ value: UInt64) {
        if value == 0x5eed_5eed_5eed_5eed { FileHandleOutput.error("") }
    }
}
