/// A prompt as the caller heard it (times on the caller's RTP clock, ms).
public struct HeardPrompt: Sendable, Equatable, Codable {
    public var name: String
    public var startMs: Int
    public var endMs: Int?
    public var interrupted = false

    public init(name: String, startMs: Int, endMs: Int? = nil, interrupted: Bool = false) {
        self.name = name
        self.startMs = startMs
        self.endMs = endMs
        self.interrupted = interrupted
    }
}

/// Pass, or fail with a reason a person can act on.
public enum CallVerdict: Sendable, Equatable {
    case passed
    case failed(String)

    public var passed: Bool { self == .passed }
    public var reason: String? { if case .failed(let r) = self { return r } else { return nil } }
}

/// Everything measured on one call.
public struct CallResult: Sendable, Equatable {
    public var callName = ""
    public var startedMs = 0
    public var answered = false
    public var answeredMs: Int?
    public var endedMs: Int?
    /// INVITE → 200.
    public var setupMs: Int?
    /// 200 → first prompt audio.
    public var firstPromptMs: Int?
    /// End of caller speech → first audio of the bot's next prompt.
    public var responseMs: [Int] = []
    /// Caller speech start → the interrupted prompt's last audio.
    public var bargeInMs: [Int] = []
    public var falseBargeIns = 0
    public var missedBargeIns = 0
    public var heard: [HeardPrompt] = []
    public var disposition: String?
    public var byeReason: String?
    public var verdict: CallVerdict?

    public init() {}
}

extension ScenarioRunner {
    /// Checks the expectations: prompts in order, then the disposition, then whether the
    /// caller got through its turns.
    func verdict(byBot: Bool) -> CallVerdict {
        let heard = result.heard.map(\.name)
        if let expected = call.expect.prompts {
            for (i, name) in expected.enumerated() {
                let context = i == 0 ? "as the first prompt" : "after `\(expected[i - 1])`"
                guard i < heard.count else {
                    return .failed("expected prompt `\(name)` \(context), heard nothing more")
                }
                if heard[i] != name { return .failed("expected prompt `\(name)` \(context), heard `\(heard[i])`") }
            }
            if heard.count > expected.count {
                let after = expected.last.map { "after `\($0)`" } ?? "at all"
                return .failed("expected no prompt \(after), heard `\(heard[expected.count])`")
            }
        }
        if let want = call.expect.disposition, byBot {
            guard let got = result.disposition else {
                return .failed("expected disposition `\(want)`, the BYE carried none")
            }
            if got != want { return .failed("expected disposition `\(want)`, got `\(got)`") }
        }
        if byBot, let turn = currentTurn, turn != .hangup {
            return .failed("the bot hung up during turn \(turnIndex + 1) (\(turn.summary))")
        }
        return .passed
    }
}

extension CallerTurn {
    /// Short text for reasons: "wait for `offer`", "say yes.wav".
    public var summary: String {
        switch self {
        case .wait(let p, let after, _): return after.map { "wait \($0) ms into `\(p)`" } ?? "wait for `\(p)`"
        case .say(let file): return "say \(file.split(separator: "/").last.map(String.init) ?? file)"
        case .silence(let ms): return "silence \(ms) ms"
        case .dtmf(_, let method): return "dtmf (\(method.rawValue))"
        case .hangup: return "hangup"
        }
    }
}
