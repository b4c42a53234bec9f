import Foundation
import ParleyStore
import Synchronization

/// `parley bench store [--json]` — call-record write rates and outbox throughput on a real
/// file in a temporary directory (the same code path as the daemon: the `CallStore` actor).
///
/// - calls_ended_per_s: `callStarted` + durable `callEnded` (committed before it returns), one
///   caller after another, `synchronous=NORMAL` (and `_full`: FULL, fsync per commit);
/// - lifecycle_calls_per_s: a whole call — start, answer, 6 turns, 4 events, durable end;
/// - concurrent_calls_ended_per_s: the lifecycle from 32 concurrent tasks (group commit);
/// - turns_per_s: queued turn writes, group-committed;
/// - outbox_enqueue_per_s / outbox_claim_deliver_per_s: one transaction per enqueue; claims
///   of 64 then `markDelivered` per item;
/// - sigkill_*: a child `parley` process ends calls in a loop and prints each id after
///   `callEnded` returns; it is killed with SIGKILL mid-stream, and every printed call must be in
///   the file with its disposition (`sigkill_ended_calls_missing` must be 0).
enum BenchStore {
    static func run(_ arguments: [String]) -> Int32 {
        if let flag = arguments.firstIndex(of: "--kill-writer"), flag + 1 < arguments.count {
            return killWriter(directory: arguments[flag + 1])
        }
        let json = arguments.contains("--json")
        let result = Mutex<Result<[(String, Double)], any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let figures = try await measure()
                result.withLock { $0 = .success(figures) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        switch result.withLock({ $0 }) {
        case .success(let figures):
            if json {
                let fields = [("sqlite", "\"\(Database.sqliteVersion)\"")]
                    + figures.map { ($0.0, String(format: "%.0f", $0.1)) }
                print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
            } else {
                print("store (SQLite \(Database.sqliteVersion), WAL)")
                for (name, value) in figures {
                    print("  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%10.0f", value))")
                }
            }
            return 0
        case .failure(let error):
            FileHandleOutput.error("parley bench store: \(error)")
            return 1
        case nil:
            return 1
        }
    }

    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func start(_ id: String) -> CallStart {
        CallStart(callId: id, nodeId: "bench", direction: .inbound, fromURI: "sip:caller@127.0.0.1",
                  toURI: "sip:bot@127.0.0.1", script: "demo", scriptVersion: "1", variant: "A",
                  startedAtMs: 1_700_000_000_000, sipCallId: id)
    }

    static func lifecycle(_ store: CallStore, _ id: String) async throws {
        try store.callStarted(start(id))
        store.callAnswered(callId: id, atMs: 1_700_000_001_000)
        for seq in 1...6 {
            store.turnRecorded(callId: id, turn: TurnRecord(seq: seq, state: "state\(seq)", prompt: "p\(seq).wav",
                                                                  transcript: "yes please", intent: "yes",
                                                                  confidence: 0.9, responseMs: 600))
        }
        for n in 0..<4 {
            store.eventRecorded(callId: id, atMs: 1_700_000_002_000 + Int64(n), kind: "dtmf", json: #"{"n":\#(n)}"#)
        }
        try await store.callEnded(callId: id, atMs: 1_700_000_009_000, disposition: "completed", tags: ["t": "v"])
    }

    static func measure() async throws -> [(String, Double)] {
        let root = NSTemporaryDirectory() + "parley-bench-store-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        var figures: [(String, Double)] = []

        for durability in [Database.Durability.processCrash, .powerLoss] {
            let store = try CallStore(configuration: .init(directory: root + "/ended-\(durability.rawValue)", durability: durability))
            let n = durability == .processCrash ? 5_000 : 500
            let elapsed = try await seconds {
                for i in 0..<n {
                    try store.callStarted(start("e\(i)"))
                    try await store.callEnded(callId: "e\(i)", atMs: 1_700_000_009_000, disposition: "completed", tags: [:])
                }
            }
            figures.append((durability == .processCrash ? "calls_ended_per_s" : "calls_ended_per_s_full", Double(n) / elapsed))
        }

        let store = try CallStore(configuration: .init(directory: root + "/main"))
        let lifecycles = 2_000
        let lifecycleTime = try await seconds {
            for i in 0..<lifecycles { try await lifecycle(store, "l\(i)") }
        }
        figures.append(("lifecycle_calls_per_s", Double(lifecycles) / lifecycleTime))

        let concurrent = 32, perTask = 100
        let concurrentTime = try await seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for t in 0..<concurrent {
                    group.addTask { for i in 0..<perTask { try await lifecycle(store, "c\(t)-\(i)") } }
                }
                try await group.waitForAll()
            }
        }
        figures.append(("concurrent_calls_ended_per_s", Double(concurrent * perTask) / concurrentTime))

        try store.callStarted(start("turns"))
        await store.flush()
        let turns = 50_000
        let turnTime = await seconds {
            for seq in 1...turns {
                store.turnRecorded(callId: "turns", turn: TurnRecord(seq: seq, state: "s", transcript: "yes", intent: "yes"))
            }
            await store.flush()
        }
        figures.append(("turns_per_s", Double(turns) / turnTime))

        let outbox = WebhookOutbox(store: store)
        let items = 5_000
        let enqueueTime = try await seconds {
            for i in 0..<items {
                try await outbox.enqueue(WebhookRequest(endpoint: "crm", url: "http://127.0.0.1:9/hook",
                                                        idempotencyKey: "k\(i)", payloadJSON: #"{"call":"\#(i)"}"#))
            }
        }
        figures.append(("outbox_enqueue_per_s", Double(items) / enqueueTime))
        var delivered = 0
        let claimTime = try await seconds {
            while true {
                let batch = try await outbox.claimDue(limit: 64)
                if batch.isEmpty { break }
                for item in batch { try await outbox.markDelivered(id: item.id, status: 200) }
                delivered += batch.count
            }
        }
        guard delivered == items else {
            throw StoreError(.notFound, message: "claimed \(delivered) of \(items) outbox items")
        }
        figures.append(("outbox_claim_deliver_per_s", Double(items) / claimTime))

        let (checked, missing) = try await killCheck(directory: root + "/killed")
        figures.append(("sigkill_ended_calls_checked", Double(checked)))
        figures.append(("sigkill_ended_calls_missing", Double(missing)))
        guard missing == 0 else {
            throw StoreError(.notFound, message: "\(missing) of \(checked) ended calls missing after SIGKILL")
        }
        return figures
    }

    /// The child side of the SIGKILL check: ends calls forever, printing `ENDED <id>` after each
    /// `callEnded` has returned.
    static func killWriter(directory: String) -> Int32 {
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let store = try CallStore(configuration: .init(directory: directory))
                var i = 0
                while true {
                    let id = "k\(i)"
                    try store.callStarted(start(id))
                    store.turnRecorded(callId: id, turn: TurnRecord(seq: 1, state: "greeting"))
                    try await store.callEnded(callId: id, atMs: 1_700_000_009_000, disposition: "completed", tags: ["i": "\(i)"])
                    FileHandle.standardOutput.write(Data("ENDED \(id)\n".utf8))
                    i += 1
                }
            } catch {
                FileHandleOutput.error("parley bench store --kill-writer: \(error)")
            }
            done.signal()
        }
        done.wait()
        return 1
    }

    /// Runs `parley bench store --kill-writer DIR`, SIGKILLs it after `target` ended calls, and
    /// counts the printed calls missing from the file.
    static func killCheck(directory: String, target: Int = 500) async throws -> (checked: Int, missing: Int) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["bench", "store", "--kill-writer", directory]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        var text = ""
        var killed = false
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // EOF: the child is gone
            text += String(decoding: chunk, as: UTF8.self)
            if !killed && text.components(separatedBy: "\n").count > target {
                kill(child.processIdentifier, SIGKILL)
                killed = true
            }
        }
        child.waitUntilExit()
        guard killed, child.terminationReason == .uncaughtSignal else {
            throw StoreError(.io, message: "the writer process ended before it was killed")
        }
        let ids = text.split(separator: "\n").filter { $0.hasPrefix("ENDED ") }.map { String($0.dropFirst(6)) }
        let store = try CallStore(configuration: .init(directory: directory))
        var missing = 0
        for id in ids {
            let row = try await store.call(id: id)
            if row?.disposition != "completed" || row?.endedAtMs == nil { missing += 1 }
        }
        return (ids.count, missing)
    }
}
