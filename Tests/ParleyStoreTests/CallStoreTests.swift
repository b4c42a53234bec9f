import Foundation
import Testing
@testable import ParleyStore

@Suite struct CallStoreTests {
    @Test func aCallsLifecycleLeavesItsRows() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        let t0: Int64 = 1_700_000_000_000
        try store.callStarted(sampleStart("call-1", startedAtMs: t0))
        store.callAnswered(callId: "call-1", atMs: t0 + 1_200)
        store.turnRecorded(callId: "call-1", turn: TurnRecord(seq: 1, state: "greeting", prompt: "greeting.wav",
                                                                     bargedIn: true, transcript: "yes please", intent: "yes",
                                                                     confidence: 0.92, emotion: "neutral",
                                                                     responseMs: 640, bargeInMs: 180))
        store.turnRecorded(callId: "call-1", turn: TurnRecord(seq: 2, state: "coupon_sent", prompt: "coupon.wav"))
        #expect(store.eventRecorded(callId: "call-1", atMs: t0 + 3_000, kind: "dtmf", json: #"{"digit":"1"}"#) == 1)
        #expect(store.eventRecorded(callId: "call-1", atMs: t0 + 4_000, kind: "webhook", json: #"{"name":"coupon"}"#) == 2)
        try await store.callEnded(callId: "call-1", atMs: t0 + 9_000, disposition: "completed",
                                  tags: ["coupon": "sent", "offer": "B"])

        let call = try #require(try await store.call(id: "call-1"))
        #expect(call.callId == "call-1")
        #expect(call.nodeId == "node-a")
        #expect(call.direction == .inbound)
        #expect(call.fromURI == "sip:+15550001@example.invalid")
        #expect(call.script == "birthday" && call.scriptVersion == "3" && call.variant == "A")
        #expect(call.startedAtMs == t0 && call.answeredAtMs == t0 + 1_200 && call.endedAtMs == t0 + 9_000)
        #expect(call.disposition == "completed")
        #expect(call.tags == ["coupon": "sent", "offer": "B"])
        #expect(call.sipCallId == "sip-call-1")

        let turns = try await store.turns(callId: "call-1")
        #expect(turns.count == 2)
        #expect(turns[0] == TurnRecord(seq: 1, state: "greeting", prompt: "greeting.wav", bargedIn: true,
                                       transcript: "yes please", intent: "yes", confidence: 0.92, emotion: "neutral",
                                       responseMs: 640, bargeInMs: 180))
        #expect(turns[1].state == "coupon_sent" && !turns[1].bargedIn && turns[1].transcript == nil)
        let events = try await store.events(callId: "call-1")
        #expect(events.map(\.kind) == ["dtmf", "webhook"])
        #expect(events.map(\.seq) == [1, 2])
        #expect(events[0].json == #"{"digit":"1"}"#)

        let stats = await store.statistics
        #expect(stats.callsStarted == 1 && stats.callsEnded == 1 && stats.turns == 2 && stats.events == 2)
        #expect(stats.writeFailures == 0)
    }

    @Test func anEndedCallIsVisibleToAnotherConnectionTheMomentCallEndedReturns() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        let reader = try Database(path: store.path, options: .init(mode: .readOnly))
        for i in 0..<20 {
            let id = "call-\(i)"
            try store.callStarted(sampleStart(id))
            store.turnRecorded(callId: id, turn: TurnRecord(seq: 1, state: "greeting"))
            try await store.callEnded(callId: id, atMs: 1_700_000_100_000, disposition: "completed", tags: ["n": "\(i)"])
            // No flush, no close: the other connection sees the committed row and its turn.
            let row = try reader.query("SELECT disposition, tags FROM calls WHERE call_id = ?", [id]).first
            #expect(row?["disposition"].string == "completed")
            #expect(row?["tags"].string == #"{"n":"\#(i)"}"#)
            #expect(try reader.scalar("SELECT COUNT(*) FROM turns WHERE call_id = ?", [id]).int == 1)
        }
    }

    /// What a SIGKILL leaves behind is the database file and its WAL as the kernel holds them.
    /// Copy both while the writer is still open (never closed, never checkpointed) and open the
    /// copy: every call ended before the copy is there.
    @Test func theFilesLeftBehindByAKilledWriterHoldEveryEndedCall() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        for i in 0..<20 {
            try store.callStarted(sampleStart("k\(i)"))
            try await store.callEnded(callId: "k\(i)", atMs: 1_700_000_100_000, disposition: i % 2 == 0 ? "completed" : "hangup", tags: [:])
        }
        try store.callStarted(sampleStart("in-progress"))  // queued, maybe not committed: not asserted
        let crash = try TempDirectory("crash")
        defer { crash.remove() }
        let walSize = (try FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0
        #expect(walSize > 0, "the writes are still in the WAL, not checkpointed into the main file")
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(atPath: store.path + suffix, toPath: crash.file("parley.sqlite" + suffix))
        }
        let recovered = try openStore(crash)
        let ended = try await recovered.calls(matching: CallQuery()).filter { $0.endedAtMs != nil }
        #expect(ended.count == 20)
        #expect(ended.filter { $0.disposition == "completed" }.count == 10)
        #expect(ended.filter { $0.disposition == "hangup" }.count == 10)
        _ = store
    }

    @Test func webhooksQueuedWithTheEndOfACallCommitTogetherOrNotAtAll() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        try store.callStarted(sampleStart("w1"))
        let hook = WebhookRequest(endpoint: "crm", url: "http://127.0.0.1:9/hook", idempotencyKey: "w1:result",
                                  payloadJSON: #"{"call":"w1"}"#)
        let ids = try await store.callEnded(callId: "w1", atMs: 1, disposition: "completed", tags: [:], webhooks: [hook])
        #expect(ids.count == 1)
        let outbox = WebhookOutbox(store: store)
        #expect(try await outbox.item(id: ids[0])?.idempotencyKey == "w1:result")

        // An invalid payload fails the whole transaction: the call stays un-ended.
        try store.callStarted(sampleStart("w2"))
        let bad = WebhookRequest(endpoint: "crm", url: "http://127.0.0.1:9/hook", idempotencyKey: "w2:result",
                                 payloadJSON: "{not json")
        let error = await #expect(throws: StoreError.self) {
            try await store.callEnded(callId: "w2", atMs: 2, disposition: "completed", tags: [:], webhooks: [bad])
        }
        #expect(error?.code == .constraint)
        #expect(try await store.call(id: "w2")?.endedAtMs == nil)
        #expect(try await store.call(id: "w2") != nil)
        #expect(try await outbox.counts() == OutboxCounts(pending: 1))
    }

    @Test func endingAnUnknownCallThrowsNotFound() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        let error = await #expect(throws: StoreError.self) {
            try await store.callEnded(callId: "ghost", atMs: 1, disposition: "completed", tags: [:])
        }
        #expect(error?.code == .notFound)
        let empty = #expect(throws: StoreError.self) { try store.callStarted(sampleStart("")) }
        #expect(empty?.code == .invalidArgument)
    }

    @Test func aBadQueuedWriteCostsOnlyItselfAndIsCounted() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        try store.callStarted(sampleStart("dup"))
        await store.flush()
        // Queued in one batch: a duplicate call id (fails) between two good writes.
        store.turnRecorded(callId: "dup", turn: TurnRecord(seq: 1, state: "a"))
        try store.callStarted(sampleStart("dup"))
        store.turnRecorded(callId: "dup", turn: TurnRecord(seq: 2, state: "b"))
        await store.flush()
        #expect(try await store.turns(callId: "dup").map(\.state) == ["a", "b"])
        let stats = await store.statistics
        #expect(stats.writeFailures == 1)
        #expect(stats.lastWriteError?.code == .constraint)
    }

    @Test func manyConcurrentCallsAllLand() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask {
                    let id = "cc-\(i)"
                    try store.callStarted(sampleStart(id, startedAtMs: 1_700_000_000_000 + Int64(i)))
                    store.callAnswered(callId: id, atMs: 1_700_000_001_000)
                    for seq in 1...4 {
                        store.turnRecorded(callId: id, turn: TurnRecord(seq: seq, state: "s\(seq)"))
                    }
                    store.eventRecorded(callId: id, atMs: 1_700_000_002_000, kind: "k")
                    try await store.callEnded(callId: id, atMs: 1_700_000_005_000, disposition: "completed", tags: [:])
                }
            }
            try await group.waitForAll()
        }
        let reader = try Database(path: store.path, options: .init(mode: .readOnly))
        #expect(try reader.scalar("SELECT COUNT(*) FROM calls WHERE disposition = 'completed' AND answered_at IS NOT NULL").int == 50)
        #expect(try reader.scalar("SELECT COUNT(*) FROM turns").int == 200)
        #expect(try reader.scalar("SELECT COUNT(*) FROM events").int == 50)
        let stats = await store.statistics
        #expect(stats.writeFailures == 0)
        #expect(stats.flushes < 50 * 7, "queued writes are committed in batches")
    }
}
