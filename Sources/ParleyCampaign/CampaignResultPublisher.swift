import Foundation
import ParleyStore

/// Receives each contact's final result once the campaign is done with it. Called from a
/// task; must not throw away a result it could not deliver (queue it durably instead).
public protocol CampaignResultPublisher: Sendable {
    /// `attempts` are the contact's attempts in this campaign, oldest first.
    func publish(_ result: ContactResult, attempts: [AttemptRecord]) async
}

/// Posts contact results to a CRM webhook through the store's durable outbox
/// (`WebhookOutbox`; the daemon's `WebhookDeliverer` sends them with retries). The
/// idempotency key is `<campaign>:<number>:result`, so publishing a result again (after a
/// restart) neither queues nor sends it twice.
///
/// Body: `{"event":"campaign.contact_result","campaign_id","number","variant","outcome",
/// "attempts","tags","skip_reason","finished_at","last_call_id","disposition","amd",
/// "attempt_outcomes":[…],"transcript":[{"state","prompt","transcript","intent"}…]}` (absent
/// values are null). `transcript` summarises the last answered call's turns from the store
/// (empty when the call layer recorded none).
public struct WebhookResultPublisher: CampaignResultPublisher {
    public let outbox: WebhookOutbox
    public let endpoint: String
    public let url: String
    /// Called after a result was queued (e.g. `WebhookDeliverer.wake()`).
    public let onQueued: @Sendable () async -> Void
    /// Called when the outbox refused the write (logged by the caller; no personal data).
    public let onError: @Sendable (String) -> Void

    public init(outbox: WebhookOutbox, endpoint: String, url: String,
                onQueued: @escaping @Sendable () async -> Void = {}, onError: @escaping @Sendable (String) -> Void = { _ in }) {
        self.outbox = outbox
        self.endpoint = endpoint
        self.url = url
        self.onQueued = onQueued
        self.onError = onError
    }

    public static func idempotencyKey(_ result: ContactResult) -> String {
        "\(result.campaignID):\(result.contactID):result"
    }

    public static func payload(_ result: ContactResult, attempts: [AttemptRecord], turns: [TurnRecord] = []) -> String {
        let last = attempts.last
        let body = Payload(
            event: "campaign.contact_result", campaign_id: result.campaignID, number: result.contactID,
            variant: result.variant, outcome: result.outcome?.rawValue, attempts: result.attempts, tags: result.tags,
            skip_reason: result.skipReason, finished_at: ISO8601DateFormatter().string(from: result.finishedAt),
            last_call_id: last?.callID, disposition: last?.disposition, amd: last?.amd?.rawValue,
            attempt_outcomes: attempts.map { $0.outcome?.rawValue ?? $0.state.rawValue },
            transcript: turns.map { Payload.Turn(state: $0.state, prompt: $0.prompt, transcript: $0.transcript, intent: $0.intent) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public func publish(_ result: ContactResult, attempts: [AttemptRecord]) async {
        var turns: [TurnRecord] = []
        if let callID = attempts.last(where: { $0.answeredAt != nil })?.callID {
            turns = (try? await outbox.store.turns(callId: callID)) ?? []
        }
        let request = WebhookRequest(endpoint: endpoint, url: url, idempotencyKey: Self.idempotencyKey(result),
                                     payloadJSON: Self.payload(result, attempts: attempts, turns: turns))
        do {
            try await outbox.enqueue(request)
            await onQueued()
        } catch {
            onError("campaign result not queued: \(error)")
        }
    }

    struct Payload: Encodable {
        var event: String
        var campaign_id: String
        var number: String
        var variant: String?
        var outcome: String?
        var attempts: Int
        var tags: [String]
        var skip_reason: String?
        var finished_at: String
        var last_call_id: String?
        var disposition: String?
        var amd: String?
        var attempt_outcomes: [String]
        var transcript: [Turn]

        struct Turn: Encodable {
            var state: String
            var prompt: String?
            var transcript: String?
            var intent: String?

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(state, forKey: .state)
                try c.encode(prompt, forKey: .prompt)
                try c.encode(transcript, forKey: .transcript)
                try c.encode(intent, forKey: .intent)
            }
            enum CodingKeys: String, CodingKey { case state, prompt, transcript, intent }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(event, forKey: .event)
            try c.encode(campaign_id, forKey: .campaign_id)
            try c.encode(number, forKey: .number)
            try c.encode(variant, forKey: .variant)
            try c.encode(outcome, forKey: .outcome)
            try c.encode(attempts, forKey: .attempts)
            try c.encode(tags, forKey: .tags)
            try c.encode(skip_reason, forKey: .skip_reason)
            try c.encode(finished_at, forKey: .finished_at)
            try c.encode(last_call_id, forKey: .last_call_id)
            try c.encode(disposition, forKey: .disposition)
            try c.encode(amd, forKey: .amd)
            try c.encode(attempt_outcomes, forKey: .attempt_outcomes)
            try c.encode(transcript, forKey: .transcript)
        }

        enum Key: String, CodingKey {
            case event, campaign_id, number, variant, outcome, attempts, tags, skip_reason, finished_at, last_call_id,
                 disposition, amd, attempt_outcomes, transcript
        }
    }
}
