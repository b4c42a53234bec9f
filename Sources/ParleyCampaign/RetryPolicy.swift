/// When to call a contact again, by the outcome of the last attempt.
public struct RetryPolicy: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        /// Seconds after the attempt ended before the next one may start.
        public var delaySec: Int
        /// Attempts in all (this outcome's share of them) after which no retry is made.
        public var maxAttempts: Int

        public init(delaySec: Int, maxAttempts: Int) {
            self.delaySec = delaySec
            self.maxAttempts = maxAttempts
        }
    }

    /// Attempts per contact in all, whatever the outcomes.
    public var maxAttempts: Int
    /// Outcomes without a rule are final.
    public var rules: [AttemptOutcome: Rule]

    public init(maxAttempts: Int, rules: [AttemptOutcome: Rule]) throws(CampaignError) {
        guard maxAttempts >= 1 else { throw CampaignError(.invalidDefinition, "retry.max_attempts must be at least 1") }
        for (outcome, rule) in rules {
            if outcome == .answered { throw CampaignError(.invalidDefinition, "an answered call is never retried") }
            guard rule.delaySec >= 0, rule.maxAttempts >= 1 else {
                throw CampaignError(.invalidDefinition, "retry rule for \(outcome.rawValue): delay ≥ 0, max_attempts ≥ 1")
            }
        }
        self.maxAttempts = maxAttempts
        self.rules = rules
    }

    /// A common default: busy after 10 min, no answer after 1 h, failed / dropped / unknown
    /// after 30 min, voicemail after 4 h; at most 3 attempts.
    public static let standard = try! RetryPolicy(maxAttempts: 3, rules: [
        .busy: Rule(delaySec: 600, maxAttempts: 3),
        .noAnswer: Rule(delaySec: 3600, maxAttempts: 3),
        .failed: Rule(delaySec: 1800, maxAttempts: 2),
        .voicemail: Rule(delaySec: 14_400, maxAttempts: 2),
        .dropped: Rule(delaySec: 1800, maxAttempts: 2),
        .unknown: Rule(delaySec: 1800, maxAttempts: 3),
    ])

    /// Seconds to wait before the next attempt, or `nil` when the contact is done.
    /// `attemptsMade` counts all attempts so far including the one that just ended.
    public func retryDelaySec(after outcome: AttemptOutcome, attemptsMade: Int) -> Int? {
        guard let rule = rules[outcome], attemptsMade < maxAttempts, attemptsMade < rule.maxAttempts else { return nil }
        return rule.delaySec
    }
}
