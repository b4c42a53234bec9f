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

/// `parley bench pacing [--json] [--calls 10,500,1000] [--seconds 5] [--no-fifo] [--listening]
/// [--epoll-receiver] [--send-guard-us N]`, `parley bench pacing --memory [--json]` — outgoing RTP pacing of the media engine measured at the receiver:
/// N concurrent G.711 calls each play a prompt and receive 20 ms packets from a peer; the
/// peer's sockets carry kernel receive timestamps (SO_TIMESTAMPNS: stamped as the packet
/// enters the loopback receive path) and the bench records |Δstamp − 20 ms| between
/// consecutive packets of each call. The receiver thread polls every 5 ms below the
/// media threads' priority, so measuring neither wakes nor preempts them (as with a peer
/// on another machine); `--epoll-receiver` instead wakes it per readable socket above
/// them (FIFO 70) and also reports the user-space arrival error. Beside it, in the same
/// run, a RealtimeThread doing nothing but waking gives the timer floor.
/// Also: packets lost, CPU and memory per call, and heap allocations after warm-up per
/// thread (`frame_path_allocations`: the media threads; the bench's own threads are
/// listed separately). Media, peer sender and floor threads run SCHED_FIFO 60 (receiver
/// 50, or 70 with `--epoll-receiver`) unless `--no-fifo` (the machine is shared).
/// Channels run without the listening pipeline unless `--listening` (echo canceller,
/// VAD, barge-in per call: for its memory and CPU, at small call counts).
enum BenchPacing {
    static let tickNs: UInt64 = 20_000_000
    static let callsPerPeerSocket = 50
    /// Whether the kernel granted SCHED_FIFO (seen on the floor thread); set per run.
    nonisolated(unsafe) static var fifoStatus: RealtimeThread.SettingOutcome = .notRequested

    struct Level {
        var calls: Int
        var pacing: Quantiles
        var floor: Quantiles
        /// Interval error from user-space arrival times (only with `--epoll-receiver`).
        var userPacing: Quantiles?
        /// Kernel stamp → read by the receiver thread.
        var receiverDelay: Quantiles
        var unstamped: UInt64
        var packetsLost: UInt64
        var packetsReceived: UInt64
        var sendErrors: UInt64
        var cpuPercentPerCall: Double
        var engineMicrosecondsPerCallTick: Double
        var openedRSSBytesPerCall: Double
        var rssBytesPerCall: Double
        /// Allocations after warm-up on the media threads (`parley-media*`).
        var mediaThreadAllocations: UInt64
        /// All threads, and per thread name where any were made.
        var allThreadAllocations: UInt64
        var allocationsByThread: [(name: String, count: UInt64)]
        var missedTicks: UInt64
        /// Media threads' wake-up lateness at their tick (worst thread; since the level began).
        var tickLatenessP99Us: Double
        var tickLatenessMaxUs: Double
        /// Send guard: µs in force at the end (worst thread), CPU spent spinning (% of one
        /// CPU per media thread, over the window); latest send behind its slot per tick, p99/max.
        var sendGuardUs: Double
        var spinPercentPerThread: Double
        var sendLatenessP99Us: Double
        var sendLatenessMaxUs: Double
    }

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        if arguments.contains("--memory") { return memoryBreakdown(json: json) }
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
        let epollReceiver = arguments.contains("--epoll-receiver")
        var sendGuardUs = MediaEngineConfiguration().sendGuardUs
        if let i = arguments.firstIndex(of: "--send-guard-us"), i + 1 < arguments.count, let g = Int(arguments[i + 1]), g >= 0 {
            sendGuardUs = g
        }
        var results: [Level] = []
        for calls in levels {
            do { results.append(try measure(calls: calls, seconds: seconds, fifo: fifo, listening: listening, epollReceiver: epollReceiver,
                                           sendGuardUs: sendGuardUs)) } catch {
                FileHandleOutput.error("parley bench pacing: \(calls) calls: \(error)\n")
                return 1
            }
        }
        report(results, seconds: seconds, json: json, fifo: fifo, epollReceiver: epollReceiver)
        return 0
    }

    static func measure(calls: Int, seconds: Int, fifo: Bool, listening: Bool, epollReceiver: Bool,
                        sendGuardUs: Int) throws -> Level {
        let engine = try MediaEngine(configuration: MediaEngineConfiguration(
            threadCount: 2, tickMs: 20, portRange: 40000...49999, maxChannelsPerThread: max(64, calls),
            fifoPriority: fifo ? 60 : nil, sendGuardUs: sendGuardUs))
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

        let receiver = Receiver(ssrcs: handles.map(\.ssrc))
        for socket in peers {
            guard BenchTimestampedReceiver.enableTimestamps(fd: socket.fileDescriptor) else {
                throw MediaError(.invalidConfiguration, "SO_TIMESTAMPNS refused")
            }
            try socket.setReceiveBufferBytes(1 << 20)
        }
        let peerFDs = peers.map(\.fileDescriptor)
        var loop: EventLoop?
        var pollThread: RealtimeThread?
        if epollReceiver {
            // Woken per readable socket, above the media threads (the bench before kernel
            // timestamps): every send wakes this thread, which preempts a media thread.
            let l = try EventLoop()
            for fd in peerFDs {
                try l.register(fd: fd, interest: .readable) { _ in receiver.drain(fd) }
            }
            try l.start(name: "bench-receiver")
            if fifo {
                l.execute {
                    _ = parley_linux_thread_set_fifo(70)
                    _ = parley_linux_thread_set_timer_slack_ns(1_000)
                }
            }
            loop = l
        } else {
            // Polls every 5 ms below the media threads' priority: the kernel stamps carry
            // the arrival times, so nobody is woken per packet and the media threads are
            // never preempted by the measurement (as with a peer on another machine).
            let clock = MediaClock(startNs: engine.clock.startNs + tickNs / 4, tickNs: 5_000_000)
            pollThread = try RealtimeThread.start(clock: clock, options: .init(name: "bench-receiver",
                                                                              fifoPriority: fifo ? 50 : nil)) { _ in
                for fd in peerFDs { receiver.drain(fd) }
            }
        }
        defer {
            pollThread?.stop()
            loop?.shutdown()
        }
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
        let timingBefore = engine.threadTiming
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
        let byThread = allocationRows()
        floorThread.stop()
        let windowNs = Monotonic.nowNs() - windowStart
        let cpuTicks = processCPUTicks() - cpuBefore
        let busyAfter = engine.busyTime
        let timingAfter = engine.threadTiming
        var spinNs: UInt64 = 0
        for (a, b) in zip(timingAfter, timingBefore) { spinNs += a.spinNs - b.spinNs }
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
        return Level(
            calls: calls, pacing: receiver.histogram.summary, floor: floor.summary,
            userPacing: epollReceiver ? receiver.userHistogram.summary : nil, receiverDelay: receiver.delay.summary,
            unstamped: receiver.unstamped,
            packetsLost: receiver.lost, packetsReceived: receiver.received.reduce(0, +), sendErrors: sendErrors,
            cpuPercentPerCall: cpuSeconds / (Double(windowNs) / 1e9) * 100 / Double(calls),
            engineMicrosecondsPerCallTick: busyTicks == 0 ? 0 : Double(busyNs) / Double(busyTicks) / perThreadCalls / 1000,
            openedRSSBytesPerCall: openedPerCall, rssBytesPerCall: rssPerCall,
            mediaThreadAllocations: byThread.filter { $0.name.hasPrefix("parley-media") }.reduce(0) { $0 + $1.count },
            allThreadAllocations: allocations, allocationsByThread: byThread, missedTicks: missed,
            tickLatenessP99Us: Double(statsAfter.map(\.p99LatenessNs).max() ?? 0) / 1000,
            tickLatenessMaxUs: Double(statsAfter.map(\.maxLatenessNs).max() ?? 0) / 1000,
            sendGuardUs: Double(timingAfter.map(\.sendGuardNs).max() ?? 0) / 1000,
            spinPercentPerThread: Double(spinNs) / Double(max(1, timingAfter.count)) / Double(windowNs) * 100,
            sendLatenessP99Us: Double(timingAfter.map(\.sendLatenessP99Ns).max() ?? 0) / 1000,
            sendLatenessMaxUs: Double(timingAfter.map(\.sendLatenessMaxNs).max() ?? 0) / 1000)
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

    static func json(_ q: Quantiles) -> String {
        "{\"p50\":\(fixed(q.p50)),\"p99\":\(fixed(q.p99)),\"p99_9\":\(fixed(q.p999)),\"max\":\(fixed(q.max)),\"intervals\":\(q.samples)}"
    }

    static func text(_ q: Quantiles) -> String {
        "\(fixed(q.p50))/\(fixed(q.p99))/\(fixed(q.p999))/\(fixed(q.max))"
    }

    static func report(_ results: [Level], seconds: Int, json asJSON: Bool, fifo: Bool, epollReceiver: Bool) {
        let receiverMode = epollReceiver ? "epoll-woken" : "polling-5ms"
        if asJSON {
            var levels: [String] = []
            for r in results {
                let threads = r.allocationsByThread.map { "\"\($0.name)\":\($0.count)" }.joined(separator: ",")
                levels.append("{\"calls\":\(r.calls),"
                    + "\"pacing_error_us\":\(json(r.pacing)),"
                    + "\"timer_floor_error_us\":\(json(r.floor)),"
                    + (r.userPacing.map { "\"user_space_pacing_error_us\":\(json($0))," } ?? "")
                    + "\"receiver_delay_us\":\(json(r.receiverDelay)),\"unstamped_packets\":\(r.unstamped),"
                    + "\"packets_received\":\(r.packetsReceived),\"packets_lost\":\(r.packetsLost),\"send_errors\":\(r.sendErrors),"
                    + "\"missed_ticks\":\(r.missedTicks),"
                    + "\"media_timer_lateness_us\":{\"p99\":\(fixed(r.tickLatenessP99Us)),\"max\":\(fixed(r.tickLatenessMaxUs))},"
                    + "\"send_guard_us\":\(fixed(r.sendGuardUs)),\"spin_cpu_percent_per_media_thread\":\(fixed(r.spinPercentPerThread, 2)),"
                    + "\"send_lateness_vs_slot_us\":{\"p99\":\(fixed(r.sendLatenessP99Us)),\"max\":\(fixed(r.sendLatenessMaxUs))},"
                    + "\"cpu_percent_per_call\":\(fixed(r.cpuPercentPerCall, 4)),"
                    + "\"engine_us_per_call_tick\":\(fixed(r.engineMicrosecondsPerCallTick, 2)),"
                    + "\"rss_bytes_per_call_opened\":\(Int(r.openedRSSBytesPerCall)),\"rss_bytes_per_call_running\":\(Int(r.rssBytesPerCall)),"
                    + "\"frame_path_allocations\":\(r.mediaThreadAllocations),"
                    + "\"allocations_all_threads\":\(r.allThreadAllocations),\"allocations_by_thread\":{\(threads)}}")
            }
            print("{\"suite\":\"pacing\",\"seconds\":\(seconds),\"codec\":\"PCMU\",\"ptime_ms\":20,\"media_threads\":2,\"sched_fifo\":\"\(fifoStatus)\","
                  + "\"receiver\":\"\(receiverMode)\",\"arrival_clock\":\"kernel SO_TIMESTAMPNS\","
                  + "\"levels\":[" + levels.joined(separator: ",") + "]}")
            return
        }
        print("parley bench pacing — G.711 20 ms, 2 media threads, \(seconds) s window per level; errors = |interval − 20 ms| in µs between kernel receive stamps at the peer (\(receiverMode) receiver); SCHED_FIFO \(fifo ? "requested" : "off") → \(fifoStatus)")
        print("  calls   pacing p50/p99/p99.9/max      floor p50/p99/p99.9/max      lost  sent-err  cpu%/call  µs/call/tick  rss/call(open/run)  media-allocs")
        for r in results {
            print("  " + "\(r.calls)".padding(toLength: 8, withPad: " ", startingAt: 0)
                  + text(r.pacing).padding(toLength: 30, withPad: " ", startingAt: 0)
                  + text(r.floor).padding(toLength: 29, withPad: " ", startingAt: 0)
                  + "\(r.packetsLost)".padding(toLength: 6, withPad: " ", startingAt: 0)
                  + "\(r.sendErrors)".padding(toLength: 10, withPad: " ", startingAt: 0)
                  + fixed(r.cpuPercentPerCall, 3).padding(toLength: 11, withPad: " ", startingAt: 0)
                  + fixed(r.engineMicrosecondsPerCallTick, 2).padding(toLength: 14, withPad: " ", startingAt: 0)
                  + "\(Int(r.openedRSSBytesPerCall))/\(Int(r.rssBytesPerCall))".padding(toLength: 19, withPad: " ", startingAt: 0)
                  + "\(r.mediaThreadAllocations)")
            if let user = r.userPacing { print("          user-space arrival error " + text(user)) }
            let others = r.allocationsByThread.filter { !$0.name.hasPrefix("parley-media") }
            if !others.isEmpty {
                print("          other threads' allocations: " + others.map { "\($0.name) \($0.count)" }.joined(separator: ", "))
            }
        }
    }
}
