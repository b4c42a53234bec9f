import Foundation
import Testing
@testable import ParleyStore

@Suite struct OutboxTests {
    func request(_ key: String, url: String = "http://127.0.0.1:9/hook") -> WebhookRequest {
        WebhookRequest(endpoint: "crm", url: url, idempotencyKey: key, payloadJSON: #"{"key":"\#(key)"}"#)
    }

    @Test func backoffDoublesFromTheBaseUpToTheCap() {
        let policy = BackoffPolicy(baseDelayMs: 1_000, maxDelayMs: 10_000, jitterFraction: 0.2, maxAttempts: 8)
        #expect((1...6).map { policy.delayMs(afterAttempt: $0, unit: 0) } == [1_000, 2_000, 4_000, 8_000, 10_000, 10_000])
        // Jitter shortens by up to `jitterFraction`: unit 0.5 takes off 10 %.
        #expect(policy.delayMs(afterAttempt: 3, unit: 0.5) == 3_600)
        #expect(policy.delayMs(afterAttempt: 1, unit: 0.999_999) == 801)
        #expect(policy.delayMs(afterAttempt: 1_000, unit: 0) == 10_000)
    }

    @Test func failedItemsWaitOutTheirBackoffThenDeadLetterAndStay() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let store = try openStore(dir, clock: clock.storeClock)
        let policy = BackoffPolicy(baseDelayMs: 1_000, maxDelayMs: 60_000, jitterFraction: 0.5, maxAttempts: 4)
        let outbox = WebhookOutbox(store: store, policy: policy, jitter: JitterSource { 0.5 })
        let id = try await outbox.enqueue(request("k1"))

        var expectedDelays: [Int64] = []
        for attempt in 1...3 {
            let claimed = try await outbox.claimDue(limit: 10)
            #expect(claimed.map(\.id) == [id])
            #expect(claimed.first?.attempts == attempt - 1)
            #expect(try await outbox.claimDue(limit: 10).isEmpty, "a claimed item is not handed out twice")
            let decision = try await outbox.markFailed(id: id, status: 503, error: "HTTP 503", permanent: false)
            let delay = policy.delayMs(afterAttempt: attempt, unit: 0.5)
            expectedDelays.append(delay)
            #expect(decision == .retry(nextAttemptAtMs: clock.now + delay))
            clock.advance(byMs: delay - 1)
            #expect(try await outbox.claimDue(limit: 10).isEmpty, "not due 1 ms early")
            clock.advance(byMs: 1)
        }
        #expect(expectedDelays == [750, 1_500, 3_000])
        let last = try await outbox.claimDue(limit: 10)
        #expect(last.map(\.id) == [id])
        #expect(try await outbox.markFailed(id: id, status: nil, error: "timed out", permanent: false) == .dead)
        clock.advance(byMs: 10_000_000)
        #expect(try await outbox.claimDue(limit: 10).isEmpty)
        let dead = try #require(try await outbox.item(id: id))
        #expect(dead.state == .dead)
        #expect(dead.attempts == 4)
        #expect(dead.lastError == "timed out")
        #expect(dead.lastStatus == nil)
        #expect(dead.deadAtMs == clock.now - 10_000_000)
        #expect(try await outbox.counts() == OutboxCounts(pending: 0, delivered: 0, dead: 1))

        // An operator can put it back.
        try await outbox.requeue(id: id)
        #expect(try await outbox.claimDue(limit: 10).map(\.attempts) == [0])
    }

    @Test func aPermanentFailureDeadLettersAtOnce() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let store = try openStore(dir, clock: clock.storeClock)
        let outbox = WebhookOutbox(store: store, policy: BackoffPolicy(maxAttempts: 10), jitter: JitterSource { 0 })
        let id = try await outbox.enqueue(request("k2"))
        _ = try await outbox.claimDue(limit: 1)
        #expect(try await outbox.markFailed(id: id, status: 400, error: "HTTP 400", permanent: true) == .dead)
        let item = try #require(try await outbox.item(id: id))
        #expect(item.state == .dead && item.attempts == 1 && item.lastStatus == 400)
    }

    @Test func anIdempotencyKeyIsQueuedOnce() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        let outbox = WebhookOutbox(store: store)
        let first = try await outbox.enqueue(request("same"))
        let second = try await outbox.enqueue(WebhookRequest(endpoint: "crm", url: "http://127.0.0.1:9/other",
                                                             idempotencyKey: "same", payloadJSON: "{}"))
        #expect(first == second)
        let items = try await outbox.items()
        #expect(items.count == 1)
        #expect(items.first?.url == "http://127.0.0.1:9/hook")
        let empty = await #expect(throws: StoreError.self) { try await outbox.enqueue(request("")) }
        #expect(empty?.code == .invalidArgument)
    }

    @Test func deliveredItemsAreKeptAndNeverClaimedAgain() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let store = try openStore(dir, clock: clock.storeClock)
        let outbox = WebhookOutbox(store: store)
        let a = try await outbox.enqueue(request("a"))
        clock.advance(byMs: 5)
        let b = try await outbox.enqueue(request("b"))
        #expect(try await outbox.claimDue(limit: 10).map(\.id) == [a, b], "oldest due first")
        try await outbox.markDelivered(id: a, status: 204)
        clock.advance(byMs: 1_000_000)
        #expect(try await outbox.claimDue(limit: 10).isEmpty)
        let item = try #require(try await outbox.item(id: a))
        #expect(item.state == .delivered && item.deliveredAtMs == clock.now - 1_000_000 && item.attempts == 1)
        // b was claimed and its delivery never finished (a crash): released at start-up.
        #expect(try await outbox.releaseClaims() == 1)
        #expect(try await outbox.claimDue(limit: 10).map(\.id) == [b])
        let again = await #expect(throws: StoreError.self) { try await outbox.markDelivered(id: a, status: 200) }
        #expect(again?.code == .notFound)
    }

    @Test func claimsRespectTheLimitAndTheDueTime() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let store = try openStore(dir, clock: clock.storeClock)
        let outbox = WebhookOutbox(store: store)
        for i in 0..<5 { try await outbox.enqueue(request("n\(i)")) }
        #expect(try await outbox.claimDue(limit: 2).count == 2)
        #expect(try await outbox.claimDue(limit: 10).count == 3)
        #expect(try await outbox.nextDueAtMs() == nil)
        #expect(try await outbox.counts().pending == 5)
    }
}
