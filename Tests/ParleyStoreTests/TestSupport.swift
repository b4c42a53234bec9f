import Foundation
import Synchronization
@testable import ParleyStore

/// A fresh directory under the system temp dir, removed by `remove()`.
struct TempDirectory {
    let path: String

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "parley-store-\(safe)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let nowMs: Mutex<Int64>

    init(startMs: Int64 = 1_700_000_000_000) { nowMs = Mutex(startMs) }

    var now: Int64 { nowMs.withLock { $0 } }
    func advance(byMs delta: Int64) { nowMs.withLock { $0 += delta } }
    func set(_ value: Int64) { nowMs.withLock { $0 = value } }
    var storeClock: StoreClock { StoreClock { [self] in self.now } }
}

/// Collects values reported from other tasks and lets a test wait for a condition on them.
actor Recorder<Value: Sendable> {
    private(set) var values: [Value] = []
    private var waiters: [(condition: @Sendable ([Value]) -> Bool, continuation: CheckedContinuation<Bool, Never>, id: Int)] = []
    private var nextId = 0

    func add(_ value: Value) {
        values.append(value)
        let ready = waiters.filter { $0.condition(values) }
        waiters.removeAll { waiter in ready.contains { $0.id == waiter.id } }
        for waiter in ready { waiter.continuation.resume(returning: true) }
    }

    /// True once `condition` holds; false when `timeoutSeconds` pass first.
    func wait(timeoutSeconds: Double = 15, until condition: @escaping @Sendable ([Value]) -> Bool) async -> Bool {
        if condition(values) { return true }
        let id = nextId
        nextId += 1
        return await withCheckedContinuation { continuation in
            waiters.append((condition, continuation, id))
            Task {
                try? await Task.sleep(for: .seconds(timeoutSeconds))
                self.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }
}

func sampleStart(_ id: String, startedAtMs: Int64 = 1_700_000_000_000, script: String = "birthday",
                 from: String = "sip:+15550001@example.invalid") -> CallStart {
    CallStart(callId: id, nodeId: "node-a", direction: .inbound, fromURI: from,
              toURI: "sip:bot@127.0.0.1", script: script, scriptVersion: "3", variant: "A",
              startedAtMs: startedAtMs, sipCallId: "sip-\(id)")
}

func openStore(_ dir: TempDirectory, clock: StoreClock = .system,
               durability: Database.Durability = .processCrash) throws -> CallStore {
    try CallStore(configuration: .init(directory: dir.path, durability: durability, clock: clock))
}
