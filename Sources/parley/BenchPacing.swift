import CParleyAllocCounter
import CParleyLinux
import Foundation
import Glibc
import ParleyAudio
import ParleyCodecs
import ParleyMedia
import ParleyRTP
import ParleyRealtime
import Synchronization

/// `parley bench pacing [--json] [--calls 10,500,1000] [--seconds 5] [--no-fifo] [--listening]`
/// — outgoing RTP
/// pacing of the media engine measured at the receiver: N concurrent G.711 calls each
/// play a prompt and receive 20 ms packets from a peer; a receiver thread timestamps
/// every packet with Monotonic and records |interval − 20 ms| per call. Beside it, in
/// the same run, a RealtimeThread doing nothing but waking gives the timer floor.
/// Also: packets lost, CPU and memory per call, and allocations on the tick path
/// after warm-up (counted on all threads: media threads and the bench's own
/// peer threads, which are built not to allocate). Media, peer and floor threads run
/// SCHED_FIFO (media, peer sender and floor 60, receiver 70) unless `--no-fifo`
/// (the machine is shared with other work).
/// Channels run without the listening pipeline unless `--listening` (echo canceller,
/// VAD, barge-in per call: for its memory and CPU, at small call counts).
enum BenchPacing {
    static let tickNs: UInt64 = 20_000_000
    static let callsPerPeerSocket = 50
    /// Whether the kernel granted SCHED_FIFO (seen on the floor thread); set per run.
    nonisolated(unsafe) static var fifoStatus: RealtimeThread.SettingOutcome = .notRequested

    /// |interval − 20 ms| in 1 µs buckets up to 20 ms, then overflow. Owned by one thread.
    final class ErrorHistogram: @unchecked Sendable {
        var buckets = [UInt64](repeating: 0, count: 20_001)
        var count: UInt64 = 0
        var maxUs: UInt64 = 0
        func record(intervalNs: UInt64) {
            let error = intervalNs > tickNs ? intervalNs - tickNs : tickNs - intervalNs
            let us = error / 1000
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
    }

    /// The peer's receive side: per call, the last arrival and sequence number.
    final class Receiver: @unchecked Sendable {
        let batch: DatagramBatch
        let histogram = ErrorHistogram()
        var lastArrivalNs: [UInt64]
        var lastSequence: [UInt16]
        var received: [UInt64]
        var lost: UInt64 = 0
        let index: [UInt32: Int]
        let measuring = Atomic<Bool>(false)
        init(ssrcs: [UInt32]) throws {
            batch = try DatagramBatch(capacity: 64, maxDatagramBytes: 256)
            lastArrivalNs = [UInt64](repeating: 0, count: ssrcs.count)
            lastSequence = [UInt16](repeating: 0, count: ssrcs.count)
            received = [UInt64](repeating: 0, count: ssrcs.count)
            var map: [UInt32: Int] = [:]
            for (i, s) in ssrcs.enumerated() { map[s] = i }
            index = map
        }
        func drain(_ socket: UDPSocket) {
            while case .transferred(let n) = socket.receive(batch) {
                let now = Monotonic.nowNs()
                // Acquire pairs with the main thread's releasing store that opens the window.
                let counting = measuring.load(ordering: .acquiring)
                for i in 0..<n {
                    guard let header = batch.withPayload(at: i, { try? RTPHeader(parsing: $0) }),
                          let call = index[header.ssrc] else { continue }
                    if counting && lastArrivalNs[call] != 0 {
                        let gap = Int(header.sequenceNumber &- lastSequence[call])
                        if gap == 1 { histogram.record(intervalNs: now - lastArrivalNs[call]) }
                        else if gap > 1 && gap < 1000 { lost &+= UInt64(gap - 1) }
                        received[call] &+= 1
                    }
                    lastArrivalNs[call] = now
                    lastSequence[call] = header.sequenceNumber
                }
                if n < batch.capacity { break }
            }
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

    struct Level {
        var calls: Int
        var pacing: (p50: Double, p99: Double, p999: Double, max: Double, samples: UInt64)
        var floor: (p50: Double, p99: Double, p999: Double, max: Double, samples: UInt64)
        var packetsLost: UInt64
        var packetsReceived: UInt64
        var sendErrors: UInt64
        var cpuPercentPerCall: Double
        var engineMicrosecondsPerCallTick: Double
        var openedRSSBytesPerCall: Double
        var rssBytesPerCall: Double
        var allocations: UInt64
        var missedTicks: UInt64
    }

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        var levels = [10, 500, 1000]
        var seconds = 5
        if let i = arguments.firstIndex(of: "--calls"), i + 1 < arguments.count {
            levels = arguments[i + 1].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        }
        if let i = arguments.firstIndex(of: "--seconds"), i + 1 < arguments.count, let s = Int(arguments[i + 1]), s > 0 {
            seconds = s
        }
        let needed = (levels.max() ?? 0) * 3 + 64
        if let limit = openFileLimit(), limit < needed {
            FileHandleOutput.error("parley bench pacing: the open-file limit is \(limit), \(needed) needed (ulimit -n \(needed))\n")
            return 1
        }
        let fifo = !arguments.contains("--no-fifo")
        let listening = arguments.contains("--listening")
        var results: [Level] = []
        for calls in levels {
            do { results.append(try measure(calls: calls, seconds: seconds, fifo: fifo, listening: listening)) } catch {
                FileHandleOutput.error("parley bench pacing: \(calls) calls: \(error)\n")
                return 1
            }
        }
        report(results, seconds: seconds, json: json, fifo: fifo)
        return 0
    }

    static func measure(calls: Int, seconds: Int, fifo: Bool, listening: Bool) throws -> Level {
        let engine = try MediaEngine(configuration: MediaEngineConfiguration(
            threadCount: 2, tickMs: 20, portRange: 40000...49999, maxChannelsPerThread: max(64, calls),
            fifoPriority: fifo ? 60 : nil))
        defer { engine.shutdown() }
        // A 60 s prompt: every call plays for the whole run.
        let tone = (0..<(8000 * 60)).map { Int16(6000 * sin(2 * Double.pi * 440 * Double($0) / 8000)) }
        let prompts = PromptTable(sampleRateHz: 8000,
                                  entries: [try PromptTable.entry(name: "tone", samples: tone, sampleRateHz: 8000)])
        let groups = (calls + callsPerPeerSocket - 1) / callsPerPeerSocket
        let peers = try (0..<groups).map { _ in try UDPSocket.bind(to: .ipv4Loopback(port: 0)) }

        let rssBefore = residentBytes()
        var handles: [MediaChannelHandle] = []
        for c in 0..<calls {
            let configuration = MediaChannelConfiguration(
                codec: .pcmu, remote: peers[c / callsPerPeerSocket].localAddress, mediaTimeoutMs: 0,
                listening: listening ? ListeningConfiguration() : nil)
            handles.append(try engine.openChannel(configuration, prompts: prompts))
        }
        let openedPerCall = Double(residentBytes() - rssBefore) / Double(calls)

        let receiver = try Receiver(ssrcs: handles.map(\.ssrc))
        let loop = try EventLoop()
        for socket in peers {
            try loop.register(fd: socket.fileDescriptor, interest: .readable) { _ in receiver.drain(socket) }
        }
        try loop.start(name: "bench-receiver")
        if fifo {
            // The receiver outranks everything it measures, so its timestamps are prompt.
            loop.execute {
                _ = parley_linux_thread_set_fifo(70)
                _ = parley_linux_thread_set_timer_slack_ns(1_000)
            }
        }
        defer { loop.shutdown() }
        let sender = try Sender(sockets: peers, destinations: handles.map(\.localAddress))
        let senderClock = MediaClock(startNs: engine.clock.startNs + tickNs / 2, tickNs: tickNs)
        let senderThread = try RealtimeThread.start(clock: senderClock, options: .init(name: "bench-peer", fifoPriority: fifo ? 60 : nil)) { _ in
            sender.send()
        }
        defer { senderThread.stop() }
        for h in handles { h.play(0, bargeIn: .off) }

        // Warm-up: latching, jitter buffers filled, first RTCP.
        Monotonic.sleep(untilNs: Monotonic.nowNs() + 2_000_000_000)
        let rssPerCall = Double(residentBytes() - rssBefore) / Double(calls)

        let floor = ErrorHistogram()
        let floorState = FloorState()
        // The timer floor: a thread that only wakes, every 20 ms, at the media threads'
        // priority (its own phase), under the same load.
        let floorThread = try RealtimeThread.start(clock: MediaClock(tickMs: 20),
                                                   options: .init(name: "bench-floor", fifoPriority: fifo ? 60 : nil)) { _ in
            let now = Monotonic.nowNs()
            // Acquire pairs with the main thread's releasing store that opens the window.
            if floorState.measuring.load(ordering: .acquiring) && floorState.lastNs != 0 {
                floor.record(intervalNs: now - floorState.lastNs)
            }
            floorState.lastNs = now
        }
        let cpuBefore = processCPUTicks()
        let busyBefore = engine.busyTime
        let statsBefore = engine.threadStats
        parley_alloc_counting_begin_all_threads()
        // Releasing pairs with the receiver's acquiring load: the window is open.
        receiver.measuring.store(true, ordering: .releasing)
        floorState.measuring.store(true, ordering: .releasing)
        fifoStatus = floorThread.status.fifo
        let windowStart = Monotonic.nowNs()
        Monotonic.sleep(untilNs: windowStart + UInt64(seconds) * 1_000_000_000)
        receiver.measuring.store(false, ordering: .releasing)
        floorState.measuring.store(false, ordering: .releasing)
        let allocations = parley_alloc_counting_end()
        floorThread.stop()
        let windowNs = Monotonic.nowNs() - windowStart
        let cpuTicks = processCPUTicks() - cpuBefore
        let busyAfter = engine.busyTime
        let statsAfter = engine.threadStats

        var busyNs: UInt64 = 0, busyTicks: UInt64 = 0
        for (a, b) in zip(busyAfter, busyBefore) {
            busyNs += a.busyNs - b.busyNs
            busyTicks += a.ticks - b.ticks
        }
        let perThreadCalls = Double(calls) / Double(max(1, busyAfter.count))
        var missed: UInt64 = 0
        for (a, b) in zip(statsAfter, statsBefore) { missed += a.missedTicks - b.missedTicks }
        // Send errors from the channels' own counters.
        for h in handles { h.send(.requestStats) }
        Monotonic.sleep(untilNs: Monotonic.nowNs() + 100_000_000)
        var sendErrors: UInt64 = 0
        for h in handles { sendErrors += h.latestStats()?.sendErrors ?? 0 }
        for h in handles { h.close() }
        engine.reap()

        let clockTicks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpuSeconds = Double(cpuTicks) / clockTicks
        let h = receiver.histogram
        return Level(
            calls: calls,
            pacing: (h.quantileUs(0.5), h.quantileUs(0.99), h.quantileUs(0.999), Double(h.maxUs), h.count),
            floor: (floor.quantileUs(0.5), floor.quantileUs(0.99), floor.quantileUs(0.999), Double(floor.maxUs), floor.count),
            packetsLost: receiver.lost, packetsReceived: receiver.received.reduce(0, +), sendErrors: sendErrors,
            cpuPercentPerCall: cpuSeconds / (Double(windowNs) / 1e9) * 100 / Double(calls),
            engineMicrosecondsPerCallTick: busyTicks == 0 ? 0 : Double(busyNs) / Double(busyTicks) / perThreadCalls / 1000,
            openedRSSBytesPerCall: openedPerCall, rssBytesPerCall: rssPerCall, allocations: allocations, missedTicks: missed)
    }

    final class FloorState: @unchecked Sendable {
        var lastNs: UInt64 = 0
        let measuring = Atomic<Bool>(false)
    }

    /// utime + stime of the process in clock ticks (/proc/self/stat fields 14 and 15).
    static func processCPUTicks() -> UInt64 {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state): utime is field 14 → index 11.
        guard fields.count > 12, let u = UInt64(fields[11]), let s = UInt64(fields[12]) else { return 0 }
        return u + s
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let parts = text.split(separator: " ")
        guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func openFileLimit() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/limits", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Max open files") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count > 3 { return Int(parts[3]) }
        }
        return nil
    }

    static func fixed(_ v: Double, _ places: Int = 1) -> String { String(format: "%.\(places)f", v) }

    static func report(_ results: [Level], seconds: Int, json: Bool, fifo: Bool) {
        if json {
            var levels: [String] = []
            for r in results {
                levels.append("{\"calls\":\(r.calls),"
                    + "\"pacing_error_us\":{\"p50\":\(fixed(r.pacing.p50)),\"p99\":\(fixed(r.pacing.p99)),\"p99_9\":\(fixed(r.pacing.p999)),\"max\":\(fixed(r.pacing.max)),\"intervals\":\(r.pacing.samples)},"
                    + "\"timer_floor_error_us\":{\"p50\":\(fixed(r.floor.p50)),\"p99\":\(fixed(r.floor.p99)),\"p99_9\":\(fixed(r.floor.p999)),\"max\":\(fixed(r.floor.max)),\"intervals\":\(r.floor.samples)},"
                    + "\"packets_received\":\(r.packetsReceived),\"packets_lost\":\(r.packetsLost),\"send_errors\":\(r.sendErrors),"
                    + "\"missed_ticks\":\(r.missedTicks),"
                    + "\"cpu_percent_per_call\":\(fixed(r.cpuPercentPerCall, 4)),"
                    + "\"engine_us_per_call_tick\":\(fixed(r.engineMicrosecondsPerCallTick, 2)),"
                    + "\"rss_bytes_per_call_opened\":\(Int(r.openedRSSBytesPerCall)),\"rss_bytes_per_call_running\":\(Int(r.rssBytesPerCall)),"
                    + "\"frame_path_allocations\":\(r.allocations)}")
            }
            print("{\"suite\":\"pacing\",\"seconds\":\(seconds),\"codec\":\"PCMU\",\"ptime_ms\":20,\"media_threads\":2,\"sched_fifo\":\"\(fifoStatus)\","
                  + "\"levels\":[" + levels.joined(separator: ",") + "]}")
            return
        }
        print("parley bench pacing — G.711 20 ms, 2 media threads, \(seconds) s window per level; errors = |interval − 20 ms| in µs at the receiver; SCHED_FIFO \(fifo ? "requested" : "off") → \(fifoStatus)")
        print("  calls   pacing p50/p99/p99.9/max      floor p50/p99/p99.9/max      lost  sent-err  cpu%/call  µs/call/tick  rss/call(open/run)  allocs")
        for r in results {
            let pacing = "\(fixed(r.pacing.p50))/\(fixed(r.pacing.p99))/\(fixed(r.pacing.p999))/\(fixed(r.pacing.max))"
            let floor = "\(fixed(r.floor.p50))/\(fixed(r.floor.p99))/\(fixed(r.floor.p999))/\(fixed(r.floor.max))"
            print("  " + "\(r.calls)".padding(toLength: 8, withPad: " ", startingAt: 0)
                  + pacing.padding(toLength: 30, withPad: " ", startingAt: 0)
                  + floor.padding(toLength: 29, withPad: " ", startingAt: 0)
                  + "\(r.packetsLost)".padding(toLength: 6, withPad: " ", startingAt: 0)
                  + "\(r.sendErrors)".padding(toLength: 10, withPad: " ", startingAt: 0)
                  + fixed(r.cpuPercentPerCall, 3).padding(toLength: 11, withPad: " ", startingAt: 0)
                  + fixed(r.engineMicrosecondsPerCallTick, 2).padding(toLength: 14, withPad: " ", startingAt: 0)
                  + "\(Int(r.openedRSSBytesPerCall))/\(Int(r.rssBytesPerCall))".padding(toLength: 19, withPad: " ", startingAt: 0)
                  + "\(r.allocations)")
        }
    }
}
