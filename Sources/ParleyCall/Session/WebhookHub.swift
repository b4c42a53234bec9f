import Foundation
import ParleyStore
import Synchronization

/// The call layer's side of the durable webhook outbox: queues a script's webhook (it is
/// in the outbox before anything is sent, so a crash loses nothing), wakes the deliverer,
/// and lets the call wait for the first attempt's answer — the dialogue's
/// `webhook_result`. A first attempt that fails or does not answer in time gives
/// `ok: false` to the dialogue; the outbox keeps retrying (the idempotency key lets the
/// receiver drop a duplicate).
public final class WebhookHub: Sendable {
    public let outbox: WebhookOutbox
    let wake: @Sendable () -> Void
    struct Pending {
        var waiters: [Int64: CheckedContinuation<Bool, Never>] = [:]
        /// Outcomes that came before their caller started waiting.
        var early: [Int64: Bool] = [:]
    }
    private let pending = Mutex(Pending())

    public init(outbox: WebhookOutbox, wake: @escaping @Sendable () -> Void) {
        self.outbox = outbox
        self.wake = wake
    }

    /// Wake the deliverer (new items are due).
    public func wakeDeliverer() { wake() }

    /// The deliverer's outcome callback: resolves a waiting call.
    public func attempted(id: Int64, delivered: Bool) {
        let waiter = pending.withLock { p -> CheckedContinuation<Bool, Never>? in
            if let waiter = p.waiters.removeValue(forKey: id) { return waiter }
            if p.early.count > 10_000 { p.early.removeAll() }
            p.early[id] = delivered
            return nil
        }
        waiter?.resume(returning: delivered)
    }

    /// Queues `request` and waits up to `timeoutMs` for its first attempt. False when the
    /// request could not be queued, the attempt failed, or no answer came in time.
    public func deliverAndWait(_ request: WebhookRequest, timeoutMs: Int) async -> Bool {
        let id: Int64
        do { id = try await outbox.enqueue(request) } catch { return false }
        wake()
        let timeout = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(timeoutMs))
            guard !Task.isCancelled else { return }
            self?.expire(id)
        }
        defer { timeout.cancel() }
        return await withCheckedContinuation { continuation in
            let known = pending.withLock { p -> Bool? in
                if let known = p.early.removeValue(forKey: id) { return known }
                p.waiters[id] = continuation
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    private func expire(_ id: Int64) {
        pending.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: false)
    }
}
