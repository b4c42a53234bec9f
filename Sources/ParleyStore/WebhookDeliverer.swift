import Foundation

/// Delivers the outbox: claims due items, POSTs each as JSON with its `Idempotency-Key`,
/// and records the result — 2xx delivered; 408, 429, 5xx, other statuses and transport failures
/// (refused, timeout) retried with backoff; any other 4xx a permanent failure (dead-lettered).
///
/// `start()` first returns items whose delivery a previous run left unfinished to the queue, so a
/// restart resumes delivery. Between rounds the loop waits until the next item is due (at most
/// `idlePollMs`), or until `wake()` (call it after enqueuing).
public actor WebhookDeliverer {
    public struct Configuration: Sendable {
        public var requestTimeoutMs: Int
        /// Items claimed and sent concurrently per round.
        public var batchSize: Int
        /// Longest wait between rounds when nothing is due.
        public var idlePollMs: Int64
        /// Extra headers sent with every request (e.g. `Authorization`).
        public var headers: [String: String]
        /// Extra headers per endpoint name (over `headers`).
        public var endpointHeaders: [String: [String: String]]

        public init(requestTimeoutMs: Int = 10_000, batchSize: Int = 16, idlePollMs: Int64 = 1_000,
                    headers: [String: String] = [:], endpointHeaders: [String: [String: String]] = [:]) {
            self.endpointHeaders = endpointHeaders
            self.requestTimeoutMs = requestTimeoutMs
            self.batchSize = max(1, batchSize)
            self.idlePollMs = max(1, idlePollMs)
            self.headers = headers
        }
    }

    public enum Decision: Sendable, Equatable {
        case delivered
        case retry(nextAttemptAtMs: Int64)
        case dead
    }

    /// One attempt's outcome, reported to `onOutcome` (metrics, logs, tests).
    public struct Outcome: Sendable, Equatable {
        public var id: Int64
        public var idempotencyKey: String
        public var endpoint: String
        /// 1 for the first attempt.
        public var attempt: Int
        public var result: TransportResult
        public var decision: Decision
    }

    public struct Counters: Sendable, Equatable {
        public var delivered = 0
        public var retried = 0
        public var dead = 0
        /// Store errors met by the loop (it keeps going).
        public var storeErrors = 0
    }

    public nonisolated let outbox: WebhookOutbox
    let transport: any WebhookTransport
    let configuration: Configuration
    let onOutcome: @Sendable (Outcome) -> Void

    var loop: Task<Void, Never>?
    var waiter: CheckedContinuation<Void, Never>?
    var wakePending = false
    var timer: Task<Void, Never>?
    public private(set) var counters = Counters()

    /// Without a `transport`, an `HTTPWebhookTransport` with a thread per batch item, so no
    /// claimed item waits for a free I/O thread (its timeout would start only then).
    public init(outbox: WebhookOutbox, transport: (any WebhookTransport)? = nil,
                configuration: Configuration = Configuration(),
                onOutcome: @escaping @Sendable (Outcome) -> Void = { _ in }) {
        self.outbox = outbox
        self.transport = transport
            ?? HTTPWebhookTransport(configuration: .init(threadCount: configuration.batchSize))
        self.configuration = configuration
        self.onOutcome = onOutcome
    }

    public var isRunning: Bool { loop != nil }

    /// Releases stale claims and starts the delivery loop (no-op when running).
    public func start() async throws {
        guard loop == nil else { return }
        try await outbox.releaseClaims()
        loop = Task { await self.run() }
    }

    /// Stops the loop and waits for it. An attempt cut short stays claimed and is retried after
    /// the next `start()`.
    public func stop() async {
        guard let task = loop else { return }
        loop = nil
        task.cancel()
        wakeUp()
        await task.value
    }

    /// Ends the current wait so due items are sent at once.
    public nonisolated func wake() {
        Task { await self.wakeUp() }
    }

    // MARK: Loop

    func run() async {
        while !Task.isCancelled {
            let items: [OutboxItem]
            do {
                items = try await outbox.claimDue(limit: configuration.batchSize)
            } catch {
                counters.storeErrors += 1
                await idle(ms: configuration.idlePollMs)
                continue
            }
            if items.isEmpty {
                var waitMs = configuration.idlePollMs
                if let next = try? await outbox.nextDueAtMs() {
                    waitMs = min(waitMs, max(1, next - outbox.clock.nowMs()))
                }
                await idle(ms: waitMs)
                continue
            }
            await withTaskGroup(of: Void.self) { group in
                for item in items { group.addTask { await self.deliver(item) } }
            }
        }
    }

    func deliver(_ item: OutboxItem) async {
        let attempt = item.attempts + 1
        let result: TransportResult
        if let url = URL(string: item.url), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" {
            // Names fold case-insensitively: an endpoint's header replaces a global one, and
            // Parley's own fields replace any configured spelling of theirs.
            let headers = Self.folding([configuration.headers, configuration.endpointHeaders[item.endpoint] ?? [:],
                                        ["Content-Type": "application/json", "Idempotency-Key": item.idempotencyKey,
                                         "X-Parley-Attempt": String(attempt)]])
            result = await transport.post(url: url, body: Data(item.payloadJSON.utf8), headers: headers,
                                          timeoutMs: configuration.requestTimeoutMs)
        } else {
            result = .failure("invalid webhook URL")
        }
        // Stopped mid-request without an answer: leave the claim for the next start().
        if Task.isCancelled, case .failure = result { return }
        let decision: Decision
        do {
            decision = try await record(item, result: result)
        } catch {
            counters.storeErrors += 1
            return
        }
        switch decision {
        case .delivered: counters.delivered += 1
        case .retry: counters.retried += 1
        case .dead: counters.dead += 1
        }
        onOutcome(Outcome(id: item.id, idempotencyKey: item.idempotencyKey, endpoint: item.endpoint,
                          attempt: attempt, result: result, decision: decision))
    }

    func record(_ item: OutboxItem, result: TransportResult) async throws -> Decision {
        switch result {
        case .status(let status) where (200..<300).contains(status):
            try await outbox.markDelivered(id: item.id, status: status)
            return .delivered
        case .status(let status):
            let permanent = (400..<500).contains(status) && status != 408 && status != 429
            let decision = try await outbox.markFailed(id: item.id, status: status, error: "HTTP \(status)",
                                                       permanent: permanent)
            return Self.decision(decision)
        case .failure(let message):
            let permanent = message == "invalid webhook URL"
            let decision = try await outbox.markFailed(id: item.id, status: nil, error: message, permanent: permanent)
            return Self.decision(decision)
        }
    }

    /// The layers merged by case-insensitive name, later layers winning.
    static func folding(_ layers: [[String: String]]) -> [String: String] {
        var merged: [String: (name: String, value: String)] = [:]
        for layer in layers {
            // Within a layer the spelling sorting first in byte order wins, as in `HTTPPostRequest`.
            for (name, value) in layer.sorted(by: { $1.key.utf8.lexicographicallyPrecedes($0.key.utf8) }) {
                merged[name.lowercased()] = (name, value)
            }
        }
        return Dictionary(uniqueKeysWithValues: merged.values.map { ($0.name, $0.value) })
    }

    static func decision(_ failure: FailureDecision) -> Decision {
        switch failure {
        case .retry(let next): return .retry(nextAttemptAtMs: next)
        case .dead: return .dead
        }
    }

    // MARK: Waiting

    func idle(ms: Int64) async {
        if wakePending || Task.isCancelled {
            wakePending = false
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            waiter = continuation
            timer = Task {
                do {
                    try await Task.sleep(for: .milliseconds(ms))
                } catch {
                    return
                }
                self.wakeUp()
            }
        }
    }

    func wakeUp() {
        timer?.cancel()
        timer = nil
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            wakePending = true
        }
    }
}
