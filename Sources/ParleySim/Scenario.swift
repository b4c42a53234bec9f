/// A simulator scenario: who the simulated callers are, what they say and do, and what
/// they expect to hear. Loaded from YAML by `ScenarioLoader`; documented in docs/sim.md.
///
/// A scenario holds one or more weighted `ScenarioCall`s; a load test picks one per
/// call with `pick(roll:)`, so the traffic is a mix of realistic conversations.
public struct Scenario: Sendable, Equatable {
    /// The scenario's name (`scenario:`).
    public var name: String
    /// The file it was loaded from, as given.
    public var path: String
    /// The bot's dialogue script (resolved against the scenario's folder), whose prompt
    /// recordings the caller recognises. Nil when the scenario names none.
    public var scriptPath: String?
    public var timeouts: ScenarioTimeouts
    /// The caller's phone line: echo and noise on what it sends.
    public var line: LineConfiguration
    /// At least one call, each with a positive weight.
    public var calls: [ScenarioCall]

    public init(name: String, path: String, scriptPath: String?, timeouts: ScenarioTimeouts,
                line: LineConfiguration, calls: [ScenarioCall]) {
        self.name = name
        self.path = path
        self.scriptPath = scriptPath
        self.timeouts = timeouts
        self.line = line
        self.calls = calls
    }

    /// Sum of the calls' weights.
    public var totalWeight: Int { calls.reduce(0) { $0 + $1.weight } }

    /// The call a uniform `roll` in [0, 1) selects, each call with probability
    /// weight / total weight.
    public func pick(roll: Double) -> ScenarioCall {
        let target = max(0, min(roll, 0.999_999_999)) * Double(totalWeight)
        var sum = 0.0
        for call in calls {
            sum += Double(call.weight)
            if target < sum { return call }
        }
        return calls[calls.count - 1]
    }
}

/// Time limits, in milliseconds.
public struct ScenarioTimeouts: Sendable, Equatable {
    /// INVITE sent → final response.
    public var answerTimeoutMs: Int
    /// Longest a `wait` turn waits for its prompt (a turn may override it), counted from
    /// the turn's start or the last prompt heard to start or end, whichever is later.
    public var promptTimeoutMs: Int
    /// Answer → end of the call, whatever happens.
    public var callTimeoutMs: Int

    public init(answerTimeoutMs: Int = 10_000, promptTimeoutMs: Int = 15_000, callTimeoutMs: Int = 120_000) {
        self.answerTimeoutMs = answerTimeoutMs
        self.promptTimeoutMs = promptTimeoutMs
        self.callTimeoutMs = callTimeoutMs
    }
}

/// One conversation a simulated caller has.
public struct ScenarioCall: Sendable, Equatable {
    public var name: String
    /// Relative frequency in a mix (positive).
    public var weight: Int
    /// Dialogue variables, sent as `X-Parley-Var-<name>: <value>` headers, in file order.
    public var variables: [ScenarioHeader]
    /// Further SIP headers for the INVITE, verbatim, in file order.
    public var headers: [ScenarioHeader]
    public var turns: [CallerTurn]
    public var expect: ScenarioExpectation

    public init(name: String, weight: Int = 1, variables: [ScenarioHeader] = [], headers: [ScenarioHeader] = [],
                turns: [CallerTurn], expect: ScenarioExpectation = ScenarioExpectation()) {
        self.name = name
        self.weight = weight
        self.variables = variables
        self.headers = headers
        self.turns = turns
        self.expect = expect
    }

    /// Prefix of the headers that carry dialogue variables.
    public static let variableHeaderPrefix = "X-Parley-Var-"

    /// Every header the INVITE carries: the variables (`X-Parley-Var-name: Maria`), then `headers`.
    public var sipHeaders: [ScenarioHeader] {
        variables.map { ScenarioHeader(name: Self.variableHeaderPrefix + $0.name, value: $0.value) } + headers
    }
}

/// A name/value pair (a variable or a SIP header).
public struct ScenarioHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One step of the simulated caller.
public enum CallerTurn: Sendable, Equatable {
    /// Wait for the bot to play `prompt`. With `afterMs` nil, until it ends (finished or
    /// interrupted); otherwise only `afterMs` into it, so the next turn barges in.
    /// `timeoutMs` nil means the scenario's `prompt_timeout_ms`.
    case wait(prompt: String, afterMs: Int?, timeoutMs: Int?)
    /// Play a recording (absolute path; any WAV, loaded at 8 kHz) as the caller's speech.
    case say(file: String)
    /// Send nothing but line noise for `durationMs`.
    case silence(durationMs: Int)
    /// Send DTMF digits.
    case dtmf(digits: String, method: DTMFMethod)
    /// Send BYE.
    case hangup

    /// How DTMF travels.
    public enum DTMFMethod: String, Sendable, Equatable, CaseIterable {
        /// RTP telephone-events (RFC 4733).
        case rfc4733
        /// SIP INFO with `application/dtmf-relay`.
        case info
    }
}

/// What the caller should experience.
public struct ScenarioExpectation: Sendable, Equatable {
    /// The prompts the caller should hear, in order (all of them); nil = not checked.
    public var prompts: [String]?
    /// The disposition the bot's BYE should carry (`X-Parley-Disposition`); nil = not checked.
    public var disposition: String?

    public init(prompts: [String]? = nil, disposition: String? = nil) {
        self.prompts = prompts
        self.disposition = disposition
    }
}
