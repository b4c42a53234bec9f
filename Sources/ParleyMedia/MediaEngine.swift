import Foundation
import ParleyRTP
import ParleyRealtime
import Synchronization

/// Settings of the media plane.
public struct MediaEngineConfiguration: Sendable {
    public var threadCount: Int
    /// Media tick: 20 ms (default) or 10 ms.
    public var tickMs: Int
    /// RTP ports (even; RTCP on the odd port above).
    public var portRange: ClosedRange<UInt16>
    /// Numeric address RTP sockets bind to.
    public var bindHost: String
    public var maxChannelsPerThread: Int
    /// Pin media thread i to CPU i (mod CPU count) and/or ask for SCHED_FIFO.
    public var pinThreads: Bool
    public var fifoPriority: Int32?
    /// Socket buffers per RTP socket (nil: kernel default).
    public var socketBufferBytes: Int?
    /// Longest send guard, µs: media threads wake up to this much before each tick and
    /// spin to the deadline, so packets leave on time even when the kernel wakes them
    /// late; the guard actually used follows the recent wake-up lateness (0 disables).
    public var sendGuardUs: Int

    public init(threadCount: Int = 2, tickMs: Int = 20, portRange: ClosedRange<UInt16> = 20000...29999,
                bindHost: String = "127.0.0.1", maxChannelsPerThread: Int = 1024, pinThreads: Bool = false,
                fifoPriority: Int32? = nil, socketBufferBytes: Int? = nil, sendGuardUs: Int = 2000) {
        self.threadCount = threadCount
        self.tickMs = tickMs
        self.portRange = portRange
        self.bindHost = bindHost
        self.maxChannelsPerThread = maxChannelsPerThread
        self.pinThreads = pinThreads
        self.fifoPriority = fifoPriority
        self.socketBufferBytes = socketBufferBytes
        self.sendGuardUs = sendGuardUs
    }
}

/// The media plane: N media threads on one media clock, each running many channels
/// (one per call). Opening and closing channels is setup work on the control plane
/// (allocates, binds sockets, takes a mutex); the ticks never lock.
public final class MediaEngine: Sendable {
    public let configuration: MediaEngineConfiguration
    public let clock: MediaClock
    /// Raised by a media thread after a tick in which a channel emitted events: a control
    /// plane that collects events by polling waits on it between polls.
    public let eventSignal: WakeSignal
    let threads: [MediaThread]

    struct State {
        var ports: RTPPortPool
        var nextID: UInt32 = 1
        /// Per thread: free slot numbers.
        var freeSlots: [[Int32]]
        /// Per thread and slot: the RTP port to give back when the slot retires.
        var slotPorts: [[UInt16]]
        var stopped = false
    }
    let state: Mutex<State>

    public init(configuration: MediaEngineConfiguration = MediaEngineConfiguration()) throws(MediaError) {
        guard configuration.threadCount > 0, configuration.tickMs == 10 || configuration.tickMs == 20,
              configuration.sendGuardUs >= 0, configuration.sendGuardUs * 2 <= configuration.tickMs * 1000 else {
            throw MediaError(.invalidConfiguration, "threads \(configuration.threadCount), tick \(configuration.tickMs) ms")
        }
        guard SocketAddress(host: configuration.bindHost, port: 0) != nil else {
            throw MediaError(.invalidConfiguration, "bind host \(configuration.bindHost)")
        }
        self.configuration = configuration
        let clock = MediaClock(tickMs: configuration.tickMs)
        self.clock = clock
        let capacity = configuration.maxChannelsPerThread
        do { eventSignal = try WakeSignal() } catch { throw MediaError(.threadStartFailed, "\(error)") }
        let signal = eventSignal
        threads = (0..<configuration.threadCount).map { MediaThread(index: $0, capacity: capacity, eventSignal: signal) }
        state = Mutex(State(ports: RTPPortPool(range: configuration.portRange),
                            freeSlots: threads.map { _ in (0..<Int32(capacity)).reversed() },
                            slotPorts: threads.map { _ in [UInt16](repeating: 0, count: capacity) }))
        let cpus = max(1, ProcessInfo.processInfo.activeProcessorCount)
        for thread in threads {
            let options = RealtimeThread.Options(name: "parley-media\(thread.index)",
                                                 cpu: configuration.pinThreads ? thread.index % cpus : nil,
                                                 fifoPriority: configuration.fifoPriority)
            try thread.start(clock: clock, options: options, sendGuardMaxNs: UInt64(configuration.sendGuardUs) * 1000)
        }
    }

    /// Each media thread's scheduling: whether pinning and SCHED_FIFO were applied or refused.
    public var schedulingStatuses: [RealtimeThread.SchedulingStatus] { threads.compactMap(\.schedulingStatus) }

    /// Opens a channel for one call: RTP/RTCP ports from the pool, bound on `bindHost`,
    /// and hands it to the least-loaded media thread. It starts on that thread's next tick.
    public func openChannel(_ channelConfiguration: MediaChannelConfiguration,
                            prompts: PromptTable) throws(MediaError) -> MediaChannelHandle {
        reap()
        let bindHost = configuration.bindHost
        let bufferBytes = configuration.socketBufferBytes
        // Ports: try a few pairs (one may be taken by another process).
        var bound: (UInt16, UDPSocket, UDPSocket)?
        for _ in 0..<16 {
            guard let port = state.withLock({ $0.ports.allocate() }) else { break }
            do {
                let rtp = try UDPSocket.bind(to: SocketAddress(host: bindHost, port: port)!,
                                             receiveBufferBytes: bufferBytes, sendBufferBytes: bufferBytes)
                do {
                    let rtcp = try UDPSocket.bind(to: SocketAddress(host: bindHost, port: port + 1)!)
                    bound = (port, rtp, rtcp)
                    break
                } catch {
                    rtp.close()
                }
            } catch {}
            _ = state.withLock { $0.ports.release(port) }
        }
        guard let (port, rtp, rtcp) = bound else { throw MediaError(.portsExhausted, "\(configuration.portRange)") }
        let id = state.withLock { s -> UInt32 in
            defer { s.nextID &+= 1 }
            return s.nextID
        }
        let channel: MediaChannel
        do {
            channel = try MediaChannel(
                id: id, configuration: channelConfiguration, tickMs: configuration.tickMs, rtpSocket: rtp,
                rtcpSocket: rtcp, prompts: prompts, ssrc: UInt32.random(in: 1...UInt32.max),
                sequenceStart: UInt16.random(in: 0...UInt16.max), timestampBase: UInt32.random(in: 0...UInt32.max),
                ntpOffsetNs: Self.wallClockOffsetNs())
        } catch {
            rtp.close()
            rtcp.close()
            _ = state.withLock { $0.ports.release(port) }
            throw error
        }
        // Least-loaded thread with a free slot; the ring push happens under the lock
        // (the engine is the single producer of every thread's control ring).
        let placed: (Int, Int32)? = state.withLock { s in
            guard !s.stopped else { return nil }
            var best: Int?
            for t in threads.indices where !s.freeSlots[t].isEmpty {
                if best == nil || threads[t].load.load(ordering: .relaxed) < threads[best!].load.load(ordering: .relaxed) {
                    best = t
                }
            }
            guard let t = best, let slot = s.freeSlots[t].popLast() else { return nil }
            s.slotPorts[t][Int(slot)] = port
            threads[t].slots[Int(slot)].channel = channel
            threads[t].load.wrappingAdd(1, ordering: .relaxed)
            // Publishes the slot write above: pairs with the thread's acquiring pop.
            _ = threads[t].control.tryPush(.attach(slot: slot))
            return (t, slot)
        }
        guard let (thread, slot) = placed else {
            channel.closeSockets()
            _ = state.withLock { $0.ports.release(port) }
            throw MediaError(.engineFull, "no free channel slot")
        }
        return MediaChannelHandle(engine: self, channel: channel, thread: thread, slot: slot)
    }

    /// Takes the channel off its thread. Its last events (`promptStopped`, `closed`) and a
    /// final stats snapshot stay readable on the handle; sockets and port are freed once
    /// the thread has let go (on a later `reap`, `openChannel` or `close`).
    func close(thread: Int, slot: Int32) {
        state.withLock { s in
            _ = threads[thread].control.tryPush(.detach(slot: slot))
        }
        reap()
    }

    /// Frees what retired channels held (sockets, ports, slots). Control plane.
    public func reap() {
        state.withLock { s in
            for thread in threads {
                while let slot = thread.retired.tryPop() {
                    let entry = thread.slots[Int(slot)]
                    entry.channel?.closeSockets()
                    entry.channel = nil
                    _ = s.ports.release(s.slotPorts[thread.index][Int(slot)])
                    s.freeSlots[thread.index].append(slot)
                    thread.load.wrappingSubtract(1, ordering: .relaxed)
                }
            }
        }
    }

    /// Channels open now.
    public var channelCount: Int { threads.reduce(0) { $0 + $1.load.load(ordering: .relaxed) } }

    /// Stops every media thread (channels stop being served). Returns their tick statistics.
    @discardableResult
    public func shutdown() -> [RealtimeThread.Stats] {
        state.withLock { s in
            guard !s.stopped else { return [] }
            s.stopped = true
            return threads.compactMap { $0.stop() }
        }
    }

    /// Live tick statistics per media thread.
    public var threadStats: [RealtimeThread.Stats] { threads.compactMap { $0.liveStats } }

    /// Per thread: total time spent running channels and the ticks that did so.
    public var busyTime: [(busyNs: UInt64, ticks: UInt64)] {
        threads.map { ($0.busyNs.load(ordering: .relaxed), $0.busyTicks.load(ordering: .relaxed)) }
    }

    /// Per media thread: when its send phases finished and what the send guard cost.
    public var threadTiming: [MediaThreadTiming] {
        // Relaxed: independent statistics.
        threads.map {
            MediaThreadTiming(busyNs: $0.busyNs.load(ordering: .relaxed), ticks: $0.busyTicks.load(ordering: .relaxed),
                              spinNs: $0.spinNs.load(ordering: .relaxed), sendGuardNs: $0.guardNs.load(ordering: .relaxed),
                              sendLatenessP99Ns: $0.sendLatenessP99Ns.load(ordering: .relaxed),
                              sendLatenessMaxNs: $0.sendLatenessMaxNs.load(ordering: .relaxed))
        }
    }

    /// Wall clock minus monotonic clock, ns (for RTCP NTP timestamps).
    static func wallClockOffsetNs() -> UInt64 {
        let wallNs = UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
        return wallNs &- Monotonic.nowNs()
    }

    deinit { shutdown() }
}
