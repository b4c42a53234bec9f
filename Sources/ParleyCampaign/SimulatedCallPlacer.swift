import Foundation
import Synchronization

/// A stand-in for the call layer: every number gets a scripted sequence of outcomes (one
/// per attempt number; the last repeats) and a call length. For dry runs of a campaign's
/// pacing, windows and retries (`parley campaign run-local --simulate`) and for the
/// crash test. With a dial log, each dial is appended to the file (one `write(2)`, so it
/// survives the process being killed) *before* the simulated call starts:
/// `<attempt id>\t<unix time>\n`.
///
/// Spec file: one rule per line, `#` comments; `<number or *> <outcome>[,<outcome>…] [<ms>]`,
/// outcomes as in `AttemptOutcome` (`answered busy noAnswer rejected failed voicemail
/// dropped invalidNumber`), the length defaults to 200 ms. The first matching line wins.
public final class SimulatedCallPlacer: CampaignCallPlacing {
    public struct Rule: Sendable, Equatable {
        public var number: String?
        public var outcomes: [AttemptOutcome]
        public var durationMs: Int
    }

    public let rules: [Rule]
    let clock: any CampaignClock
    let dialLog: Mutex<FileHandle?>
    let placed = Mutex<Set<String>>([])

    public init(rules: [Rule], clock: any CampaignClock = SystemCampaignClock(), dialLogPath: String? = nil) throws {
        self.rules = rules
        self.clock = clock
        var handle: FileHandle?
        if let dialLogPath {
            if !FileManager.default.fileExists(atPath: dialLogPath) {
                _ = FileManager.default.createFile(atPath: dialLogPath, contents: nil)
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dialLogPath))
            try handle?.seekToEnd()
        }
        dialLog = Mutex(handle)
    }

    /// Parses a spec (see the type's comment); errors name the 1-based line.
    public static func parseRules(_ text: String) throws(CampaignError) -> [Rule] {
        var rules: [Rule] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard !fields.isEmpty else { continue }
            guard fields.count == 2 || fields.count == 3 else {
                throw CampaignError(.invalidDefinition, line: index + 1, "expected '<number|*> <outcomes> [<ms>]'")
            }
            var outcomes: [AttemptOutcome] = []
            for name in fields[1].split(separator: ",") {
                guard let o = AttemptOutcome(rawValue: String(name)), o != .unknown else {
                    throw CampaignError(.invalidDefinition, line: index + 1, "unknown outcome '\(name)'")
                }
                outcomes.append(o)
            }
            var ms = 200
            if fields.count == 3 {
                guard let v = Int(fields[2]), v >= 0 else {
                    throw CampaignError(.invalidDefinition, line: index + 1, "call length must be milliseconds ≥ 0")
                }
                ms = v
            }
            let number: String?
            if fields[0] == "*" { number = nil } else {
                guard let n = PhoneNumber.normalizedE164(fields[0]) else {
                    throw CampaignError(.invalidNumber, line: index + 1, "the number is not E.164")
                }
                number = n
            }
            guard !outcomes.isEmpty else { throw CampaignError(.invalidDefinition, line: index + 1, "no outcomes") }
            rules.append(Rule(number: number, outcomes: outcomes, durationMs: ms))
        }
        return rules
    }

    public func place(_ request: CampaignCallRequest) async -> CampaignCallResult {
        let start = clock.now()
        let first = placed.withLock { $0.insert(request.attemptID).inserted }
        guard first else { return CampaignCallResult(sipStatus: nil, outcome: .failed) }   // never dial an id twice
        dialLog.withLock { handle in
            handle?.write(Data("\(request.attemptID)\t\(start.timeIntervalSince1970)\n".utf8))
        }
        let rule = rules.first { $0.number == nil || $0.number == request.number }
            ?? Rule(number: nil, outcomes: [.answered], durationMs: 200)
        let outcome = rule.outcomes[min(max(request.attemptNumber, 1), rule.outcomes.count) - 1]
        do {
            try await clock.sleep(until: start.addingTimeInterval(Double(rule.durationMs) / 1000))
        } catch {
            return CampaignCallResult(sipStatus: 487, outcome: outcome == .answered ? .dropped : .noAnswer)
        }
        return Self.result(outcome, startedAt: start, attemptID: request.attemptID, variant: request.variant)
    }

    static func result(_ outcome: AttemptOutcome, startedAt: Date, attemptID: String, variant: String?) -> CampaignCallResult {
        let callID = "sim-" + attemptID
        switch outcome {
        case .busy: return CampaignCallResult(sipStatus: 486, outcome: .busy)
        case .noAnswer: return CampaignCallResult(sipStatus: 487, outcome: .noAnswer)
        case .rejected: return CampaignCallResult(sipStatus: 603, outcome: .rejected)
        case .invalidNumber: return CampaignCallResult(sipStatus: 404, outcome: .invalidNumber)
        case .failed, .unknown: return CampaignCallResult(sipStatus: 503, outcome: .failed)
        case .voicemail:
            return CampaignCallResult(sipStatus: 200, outcome: .voicemail, amd: .machine, amdDecisionMs: 1800,
                                      voicemailLeft: true, callID: callID, disposition: "voicemail_left", answeredAt: startedAt)
        case .dropped:
            return CampaignCallResult(sipStatus: 200, outcome: .dropped, amd: .human, amdDecisionMs: 900, callID: callID,
                                      disposition: "dropped", answeredAt: startedAt)
        case .answered:
            return CampaignCallResult(sipStatus: 200, outcome: .answered, amd: .human, amdDecisionMs: 900, callID: callID,
                                      disposition: "completed", tags: variant == nil ? [] : ["variant_" + variant!],
                                      answeredAt: startedAt)
        }
    }
}
