/// What one capacity step measured: the simulator's view of its calls (from its
/// `SimReport`), how many were up at once, and — when available — the CPU each side used
/// and the daemon's own figures from its `/metrics` (differences over the step).
public struct CapacityStepMeasures: Sendable, Equatable {
    /// Calls the step tried to hold up at once.
    public var concurrency: Int
    /// Most calls the simulator had up at once during the step.
    public var peakActive = 0
    public var attempted = 0
    public var answered = 0
    public var passed = 0
    public var failed = 0
    /// The most frequent failure reason, if any call failed.
    public var topFailure: String?
    public var pacingErrorP99Ms: Double?
    public var lossPercent: Double = 0
    public var packetsLost = 0
    public var setupP95Ms: Int?
    public var firstPromptP95Ms: Int?
    public var responseP95Ms: Int?
    public var responseCount = 0
    public var bargeInP95Ms: Int?
    public var falseBargeIns = 0
    /// The simulator's own send-tick lateness, p99 (ms): the floor under its pacing figures.
    public var callerTickLatenessP99Ms: Double?
    /// CPU used over the step, in percent of one core (100 = one core busy).
    public var simulatorCPUPercent: Double?
    public var daemonCPUPercent: Double?
    /// The whole machine's busy CPU, in percent of all cores (others' work included).
    public var machineBusyPercent: Double?
    /// The daemon's resident memory at the end of the hold (MiB).
    public var daemonRSSMiB: Double?
    /// The daemon's figures from `/metrics` (e.g. `calls_active_peak`, `media_tick_overruns`,
    /// `rtp_packets_lost`, `response_p95_ms`), by short name.
    public var daemon: [String: Double] = [:]

    public init(concurrency: Int) { self.concurrency = concurrency }

    /// The simulator's side of a step from its run report.
    public init(concurrency: Int, report: SimReport, peakActive: Int, callerTickLatenessP99Ms: Double?) {
        self.concurrency = concurrency
        self.peakActive = peakActive
        attempted = report.attempted
        answered = report.answered
        passed = report.passed
        failed = report.failed
        topFailure = report.failures.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.first?.key
        pacingErrorP99Ms = report.pacing.summary.p99
        lossPercent = report.lossPercent
        packetsLost = report.packetsLost
        setupP95Ms = report.setup.summary.p95
        firstPromptP95Ms = report.firstPrompt.summary.p95
        responseP95Ms = report.response.summary.p95
        responseCount = report.response.count
        bargeInP95Ms = report.bargeIn.summary.p95
        falseBargeIns = report.falseBargeIns
        self.callerTickLatenessP99Ms = callerTickLatenessP99Ms
    }

    /// Which side most likely limits when the step broke: the simulator when its own send
    /// ticks ran late or it used more CPU than the daemon on a saturated machine; the daemon
    /// when it reports tick overruns or ring drops, or used most of the CPU; nil when
    /// unclear (no CPU figures).
    public var limitingSide: String? {
        if let late = callerTickLatenessP99Ms, late > 1 { return "simulator (its send ticks ran \(ServiceLevelObjective.Breach.ms(late)) ms late)" }
        if (daemon["media_tick_overruns"] ?? 0) > 0 || (daemon["ring_drops"] ?? 0) > 0 { return "parleyd (media tick overruns / ring drops)" }
        guard let sim = simulatorCPUPercent, let bot = daemonCPUPercent else { return nil }
        let saturated = (machineBusyPercent ?? 0) >= 90
        if saturated { return sim > bot ? "simulator (CPU: machine saturated, simulator uses more)" : "parleyd (CPU: machine saturated, parleyd uses more)" }
        return nil
    }
}
