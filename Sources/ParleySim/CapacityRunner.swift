import ParleyRealtime

/// How a capacity search places its calls.
public struct CapacityRunOptions: Sendable {
    public var target: SocketAddress
    public var start: Int
    public var ramp: CapacitySearch.Ramp
    public var max: Int
    /// How long each level is held once its calls are up (s).
    public var stepDurationSeconds: Double
    /// New calls per second while a level ramps up (and while calls are replaced).
    public var ratePerSecond: Double
    /// When set, each level's calls are placed evenly over this many seconds instead
    /// (rate = level / rampSeconds): the calls' turns then spread over the ramp, as in live
    /// traffic, at every level, where a fixed rate bunches a large level's calls together.
    public var rampSeconds: Double?
    /// Bisection steps between the last level held and the first broken.
    public var refineSteps: Int
    public var localHost: String
    public var calledUser: String
    public var loopbackOnly: Bool
    public var seed: UInt64

    public init(target: SocketAddress, start: Int, ramp: CapacitySearch.Ramp, max: Int, stepDurationSeconds: Double,
                ratePerSecond: Double = 100, rampSeconds: Double? = nil, refineSteps: Int = 0, localHost: String = "127.0.0.1",
                calledUser: String = "parley", loopbackOnly: Bool = false, seed: UInt64 = 1) {
        self.target = target
        self.start = start
        self.ramp = ramp
        self.max = max
        self.stepDurationSeconds = stepDurationSeconds
        self.ratePerSecond = ratePerSecond
        self.rampSeconds = rampSeconds
        self.refineSteps = refineSteps
        self.localHost = localHost
        self.calledUser = calledUser
        self.loopbackOnly = loopbackOnly
        self.seed = seed
    }

    /// The simulator run of one level: `level` calls up at once, placed at `ratePerSecond`;
    /// new calls replace ended ones until the ramp-up time plus the hold has passed, then
    /// the calls under way finish.
    public func runOptions(level: Int, step: Int) -> SimRunOptions {
        let rate = rate(level: level)
        return SimRunOptions(target: target, calls: nil, concurrency: level, ratePerSecond: rate,
                             durationSeconds: Double(level) / rate + stepDurationSeconds, localHost: localHost,
                             calledUser: calledUser, loopbackOnly: loopbackOnly, seed: seed &+ UInt64(step))
    }

    /// New calls per second at `level`.
    public func rate(level: Int) -> Double {
        guard let rampSeconds, rampSeconds > 0 else { return ratePerSecond }
        return Double(Swift.max(1, level)) / rampSeconds
    }
}

/// Runs a `CapacitySearch` with real calls: for each level it proposes, one `SimEngine`
/// run (`CapacityRunOptions.runOptions`), whose report becomes the step's measures. The
/// hooks let the caller settle between steps and add what it watched from the side
/// (CPU, memory, the daemon's `/metrics`): `parley sim --capacity` uses them.
public struct CapacityRunner {
    public struct Hooks {
        /// Before a level starts (e.g. wait until the daemon has no call up).
        public var beforeStep: (_ level: Int) -> Void = { _ in }
        /// The simulator's progress during a step (on its loop thread).
        public var progress: @Sendable (SimProgress) -> Void = { _ in }
        /// After a level ran: add figures to its measures before it is judged.
        public var afterStep: (_ measures: inout CapacityStepMeasures) -> Void = { _ in }
        /// A step was judged.
        public var stepRecorded: (CapacitySearch.Step) -> Void = { _ in }
        public init() {}
    }

    public let scenario: Scenario
    public let catalog: PromptCatalog?
    public let options: CapacityRunOptions
    public let objective: ServiceLevelObjective

    public init(scenario: Scenario, catalog: PromptCatalog?, options: CapacityRunOptions,
                objective: ServiceLevelObjective = ServiceLevelObjective()) {
        self.scenario = scenario
        self.catalog = catalog
        self.options = options
        self.objective = objective
    }

    /// Runs levels until the search is over; returns it (steps, answer, verdict).
    public func run(hooks: Hooks = Hooks()) throws(SimRunError) -> CapacitySearch {
        var search = CapacitySearch(start: options.start, ramp: options.ramp, max: options.max, objective: objective,
                                    refineSteps: options.refineSteps)
        var step = 0
        while let level = search.next {
            hooks.beforeStep(level)
            let engine = try SimEngine(scenario: scenario, options: options.runOptions(level: level, step: step),
                                       catalog: catalog, progress: hooks.progress)
            step += 1
            let result = try engine.run()
            var measures = CapacityStepMeasures(
                concurrency: level, report: result.report, peakActive: result.timeline.map(\.active).max() ?? 0,
                callerTickLatenessP99Ms: result.callerPacing.map { Double($0.p99LatenessNs) / 1e6 })
            hooks.afterStep(&measures)
            hooks.stepRecorded(search.record(measures))
        }
        return search
    }
}
