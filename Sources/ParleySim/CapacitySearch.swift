/// The capacity search as a pure state machine: it proposes a concurrency, is told what
/// that step measured, judges it against the objective, and proposes the next — ramping
/// up (by a fixed number of calls, or by a factor) from `start` until a step breaks the
/// objective or `max` held. After the first break it may bisect between the highest level
/// held and the lowest broken (`refineSteps` more steps). The answer is the highest level
/// held below the lowest level that broke. No clock, no I/O: `parley sim --capacity`
/// runs the steps.
public struct CapacitySearch: Sendable {
    public enum Ramp: Sendable, Equatable {
        /// start, start + calls, start + 2·calls, …
        case linear(calls: Int)
        /// start, start·factor, start·factor², … (rounded, at least one call more each step)
        case geometric(factor: Double)
    }

    public struct Step: Sendable, Equatable {
        public var measures: CapacityStepMeasures
        public var breaches: [ServiceLevelObjective.Breach]
        public var held: Bool { breaches.isEmpty }
        /// Whether this step bisected after the ramp broke.
        public var refining: Bool
    }

    public let start: Int
    public let ramp: Ramp
    public let max: Int
    public let objective: ServiceLevelObjective
    public let refineSteps: Int
    public private(set) var steps: [Step] = []
    /// The concurrency to run next; nil when the search is over.
    public private(set) var next: Int?
    var refinesLeft: Int

    public init(start: Int, ramp: Ramp, max: Int, objective: ServiceLevelObjective = ServiceLevelObjective(), refineSteps: Int = 0) {
        self.start = Swift.max(1, start)
        self.ramp = ramp
        self.max = Swift.max(self.start, max)
        self.objective = objective
        self.refineSteps = Swift.max(0, refineSteps)
        refinesLeft = self.refineSteps
        next = self.start
    }

    /// The highest concurrency held below the lowest one that broke (nil: none held).
    public var maxConcurrencyHeld: Int? {
        let broken = lowestBroken ?? Int.max
        return steps.filter { $0.held && $0.measures.concurrency < broken }.map(\.measures.concurrency).max()
    }

    /// The lowest concurrency that broke the objective (nil: none did).
    public var lowestBroken: Int? { steps.filter { !$0.held }.map(\.measures.concurrency).min() }

    public var isFinished: Bool { next == nil }

    /// Judges a step's measures (for the concurrency `next` proposed), records it and
    /// moves on. Returns the recorded step.
    @discardableResult
    public mutating func record(_ measures: CapacityStepMeasures) -> Step {
        let refining = lowestBroken != nil
        let step = Step(measures: measures, breaches: objective.breaches(measures), refining: refining)
        steps.append(step)
        if refining { refinesLeft -= 1 }
        next = proposeNext()
        return step
    }

    func proposeNext() -> Int? {
        if let broken = lowestBroken {
            guard refinesLeft > 0 else { return nil }
            let low = maxConcurrencyHeld ?? 0
            let mid = low + (broken - low) / 2
            guard mid > low, mid < broken, !steps.contains(where: { $0.measures.concurrency == mid }) else { return nil }
            return mid
        }
        let last = steps.last?.measures.concurrency ?? start
        guard last < max else { return nil }
        let raw: Int
        switch ramp {
        case .linear(let calls): raw = last + Swift.max(1, calls)
        case .geometric(let factor): raw = Swift.max(last + 1, Int((Double(last) * factor).rounded()))
        }
        return Swift.min(raw, max)
    }
}
