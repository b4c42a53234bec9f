import Dispatch
import ParleyCodecs
import ParleyRealtime
import ParleySDP
import ParleySIP

/// Places the simulated calls of a run: a SIP UAC (`SIPStack`), the recognizers and the
/// runners on one `EventLoop`; every call's RTP receive on a second loop that only reads
/// and timestamps (so recognition work never delays an arrival time); every call's paced
/// RTP send on one `SimPacer` thread. Three threads in all, none per call. Each call runs a `ScenarioRunner`; the bot's audio goes through the
/// call's `PromptRecognizer` (so the caller knows what it heard) and into the echo path
/// of its line.
///
/// `run` blocks the calling thread until every call finished (or failed), then tears
/// everything down. Loop-confined state: every `var` is touched on the loop thread only
/// (set-up happens before the loop starts, the result is read after it stopped, with
/// the semaphore as the happens-before edge): the invariant behind `@unchecked Sendable`.
public final class SimEngine: @unchecked Sendable {
    public let scenario: Scenario
    public let options: SimRunOptions
    let clips: SimClips
    let recognizerTemplate: PromptRecognizer?
    let uninterruptible: Set<String>
    let loop: EventLoop
    /// The receive side: RTP reads and their timestamps, nothing else. Its loop runs on
    /// `rxThread`, polled every `receiveIntervalMs` rather than woken per datagram.
    let rxLoop: EventLoop
    var rxThread: RealtimeThread?
    /// The receive thread's clock offset for kernel receive times, read once per round.
    let arrivalClock = SimReceiver.ArrivalClock()
    let transport: SIPTransport
    let stack: SIPStack
    let pacer: SimPacer
    let progress: @Sendable (SimProgress) -> Void
    let done = DispatchSemaphore(value: 0)

    var runStartNs: UInt64 = 0
    var nextStartNs: UInt64 = 0
    var started = 0
    var passed = 0
    var failed = 0
    var active: [SimCall] = []
    /// Calls whose SIP session has not ended, by handle (and by Call-ID, for peeking).
    var byHandle: [SIPCallHandle: SimCall] = [:]
    var byCallID: [String: SimCall] = [:]
    var records: [SimCallRecord] = []
    var report = SimReport()
    var timeline: [SimProgress] = []
    var lastProgressNs: UInt64 = 0
    var allStartedNs: UInt64?
    var finishedRun = false
    var random: SplitMix64
    var tickTimer: EventLoopTimerID?
    /// Calls serviced per tick within `tickBudgetNs`, in turn (see `SimServiceRotation`).
    var rotation = SimServiceRotation(budgetNs: SimEngine.tickBudgetNs)
    /// A tick's time for calls: the loop reads SIP at least this often (3 of its 5 ms).
    static let tickBudgetNs: UInt64 = 3_000_000
    /// A round of calls' work is posted to continue the last one (see `serviceCalls`).
    var continuationPosted = false
    /// The loop's ticks so far (which calls drain their measure-only RTP, `service`).
    var tickCount: UInt64 = 0
    /// A call finished since `active` was last swept.
    var activeHasFinished = false
    // Received audio scratch (loop thread).
    var pcm = [Int16](repeating: 0, count: 2_048)
    let zeros = [Int16](repeating: 0, count: 160)

    /// Sets up a run: loads the caller's recordings and the bot's prompt fingerprints
    /// (`catalog`, from the scenario's script when nil and the scenario names one),
    /// binds the SIP transport. Nothing is sent before `run`.
    public init(scenario: Scenario, options: SimRunOptions, catalog: PromptCatalog? = nil,
                recognizerConfiguration: PromptRecognizer.Configuration = PromptRecognizer.Configuration(),
                progress: @escaping @Sendable (SimProgress) -> Void = { _ in }) throws(SimRunError) {
        self.scenario = scenario
        self.options = options
        self.progress = progress
        random = SplitMix64(seed: options.seed ^ 0x5EED_CA11)
        do { clips = try SimClips(scenario: scenario) } catch { throw SimRunError("caller recording: \(error)") }
        var catalog = catalog
        if catalog == nil, let script = scenario.scriptPath {
            do { catalog = try PromptCatalog.load(scriptPath: script) } catch { throw SimRunError("script \(script): \(error)") }
        }
        if let catalog {
            do { recognizerTemplate = try PromptRecognizer(catalog: catalog, configuration: recognizerConfiguration) } catch {
                throw SimRunError("prompt recording: \(error)")
            }
            uninterruptible = Set(catalog.prompts.filter { !$0.interruptible }.map(\.name))
        } else {
            recognizerTemplate = nil
            uninterruptible = []
        }
        do {
            loop = try EventLoop()
            rxLoop = try EventLoop()
            transport = SIPTransport(loop: loop, configuration: SIPTransportConfiguration(loopbackOnly: options.loopbackOnly))
            guard let local = SocketAddress(host: options.localHost, port: 0) else {
                throw SimRunError("bad local address \(options.localHost)")
            }
            _ = try transport.bindUDP(local)
        } catch let error as SimRunError {
            throw error
        } catch {
            throw SimRunError("SIP transport: \(error)")
        }
        stack = SIPStack(transport: transport, configuration: SIPStackConfiguration(
            localHost: options.localHost, contactUser: "sim", userAgent: "parley-sim"))
        // One slot per call at once: a call takes its slot when it starts (`startCalls`).
        pacer = SimPacer(capacity: options.concurrency)
    }

    /// The line noise level: the scenario's, or the measured RMS of its recordings.
    var lineConfiguration: LineConfiguration {
        var line = scenario.line
        if var noise = line.noise, clips.speechRms > 0, noise.speechRmsLevel == LineConfiguration.Noise(kind: .white, snrDb: 0).speechRmsLevel {
            noise.speechRmsLevel = clips.speechRms
            line.noise = noise
        }
        return line
    }

    var plannedCalls: Int? { options.calls ?? (options.durationSeconds == nil ? 1 : nil) }

    /// Places the calls and blocks until all ended; then tears down.
    public func run() throws(SimRunError) -> SimRunResult {
        stack.delegate = self
        do {
            try stack.start()
            installPeek()
            try pacer.start()
            runStartNs = Monotonic.nowNs()
            nextStartNs = runStartNs
            let me = LoopRef(self)
            tickTimer = try loop.scheduleTimer(afterMs: 1, repeatEveryMs: 5) { me.value.tick() }
            rxThread = try Self.startReceiveThread(rxLoop, clock: arrivalClock)
            try loop.start(name: "parley-sim-io")
        } catch {
            _ = pacer.stop()
            _ = rxThread?.stop()
            loop.shutdown()
            rxLoop.shutdown()
            throw SimRunError("start: \(error)")
        }
        done.wait()
        let stack = self.stack
        let finished = DispatchSemaphore(value: 0)
        loop.execute {
            stack.stop()
            stack.transport.close()
            finished.signal()
        }
        finished.wait()
        loop.shutdown()
        // The loop is stopped: only the pacer still reads the slots.
        let attached = pacer.slots.compactMap { $0.stream?.socket }
        let pacing = pacer.stop()
        // Run the receive thread's queued closes, then stop it.
        let drained = DispatchSemaphore(value: 0)
        rxLoop.execute { drained.signal() }
        _ = drained.wait(timeout: .now() + 5)
        _ = rxThread?.stop()
        rxThread = nil
        rxLoop.shutdown()
        for socket in attached { socket.close() }
        pacer.reclaim { $0.socket.close() }
        for call in active { call.socket.close() }
        return SimRunResult(report: report, calls: records.sorted { $0.index < $1.index }, timeline: timeline,
                            callerPacing: pacing, elapsedMs: Int((Monotonic.nowNs() - runStartNs) / 1_000_000))
    }

    // MARK: the receive thread

    /// How often the receive thread reads (ms). Arrival is the kernel's receive time, so
    /// reading in batches changes no measure; it saves a wake-up per datagram, here and
    /// in the bot's sending thread (which wakes a waiting reader).
    static let receiveIntervalMs = 2

    /// Polls `loop` every `receiveIntervalMs`: each round reads the clocks' offset once
    /// (`clock`), then handles every ready socket (one datagram each; level-triggered, so a
    /// socket with more comes back in the next `runOnce`) and posted work, until nothing
    /// is ready.
    static func startReceiveThread(_ loop: EventLoop, clock: SimReceiver.ArrivalClock) throws(RealtimeError) -> RealtimeThread {
        let polled = LoopRef(loop)
        return try RealtimeThread.start(clock: MediaClock(tickMs: receiveIntervalMs),
                                        options: RealtimeThread.Options(name: "parley-sim-rx", timerSlackNs: 200_000)) { _ in
            clock.startRound()
            var rounds = 0
            while rounds < 64, polled.value.runOnce(timeoutMs: 0) > 0 { rounds += 1 }
        }
    }

    // MARK: the loop's 5 ms tick

    func tick() {
        guard !finishedRun else { return }
        pacer.reclaim { closeSocket($0.socket) }
        let now = Monotonic.nowNs()
        tickCount &+= 1
        serviceCalls()
        // A call's clock starts when its INVITE goes out: after the calls' work above.
        startCalls(nowNs: Monotonic.nowNs())
        if now - lastProgressNs >= 1_000_000_000 {
            lastProgressNs = now
            let p = snapshot(nowNs: now)
            timeline.append(p)
            progress(p)
        }
        checkDone(nowNs: now)
    }

    /// One budgeted round of the calls' work (`SimServiceRotation`). When it stopped
    /// before the last call, the rest goes on right after the loop's pending I/O (posted
    /// work runs in the loop's next turn), not a whole tick later: the loop still gives
    /// the calls all the time they need, in slices with SIP read in between.
    func serviceCalls() {
        let calls = active
        let served = rotation.run(count: calls.count, key: { calls[$0].index }, nowNs: { Monotonic.nowNs() }) { i in
            if !calls[i].finished { service(calls[i], nowNs: Monotonic.nowNs()) }
        }
        if activeHasFinished {
            activeHasFinished = false
            active.removeAll { $0.finished }
        }
        if served < calls.count, !continuationPosted {
            continuationPosted = true
            let me = LoopRef(self)
            loop.execute {
                me.value.continuationPosted = false
                guard !me.value.finishedRun else { return }
                me.value.serviceCalls()
            }
        }
    }

    func snapshot(nowNs: UInt64) -> SimProgress {
        SimProgress(elapsedMs: Int((nowNs - runStartNs) / 1_000_000), started: started, active: active.count,
                    passed: passed, failed: failed, planned: plannedCalls)
    }

    var mayStartMore: Bool {
        if let calls = options.calls, started >= calls { return false }
        if let s = options.durationSeconds, Double(Monotonic.nowNs() - runStartNs) / 1e9 >= s { return false }
        if options.calls == nil, options.durationSeconds == nil, started >= 1 { return false }
        return true
    }

    /// Starts the calls that are due, each with the pacing slot its stream will need once
    /// answered. An ended call leaves `active` at once but its slot comes back only when
    /// the pacer let its stream go (a pacer tick and a loop tick later): a due call waits
    /// for that slot here, it is not started to fail for want of one at its answer.
    func startCalls(nowNs: UInt64) {
        while mayStartMore, active.count < options.concurrency, nowNs >= nextStartNs, let slot = pacer.reserve() {
            if let rate = options.ratePerSecond, rate > 0 {
                nextStartNs = max(nextStartNs, nowNs &- 1_000_000_000) &+ UInt64(1e9 / rate)
            }
            startCall(slot: slot, nowNs: Monotonic.nowNs())   // its clock: when this INVITE goes out
        }
    }

    /// Ends the run once no call can start, none is active, and every SIP session ended
    /// (or 2 s passed for the last BYE/CANCEL transactions).
    func checkDone(nowNs: UInt64) {
        guard !mayStartMore, active.isEmpty else { return }
        if allStartedNs == nil { allStartedNs = nowNs }
        guard byHandle.isEmpty || nowNs - (allStartedNs ?? nowNs) > 2_000_000_000 else { return }
        finishedRun = true
        if let tickTimer { loop.cancelTimer(tickTimer) }
        let p = snapshot(nowNs: nowNs)
        timeline.append(p)
        progress(p)
        done.signal()
    }
}

/// A loop-confined reference captured by loop closures (see `SimEngine`'s invariant).
struct LoopRef<T: AnyObject>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
