import Foundation
import ParleySIP

extension CallManager {
    /// Registers the stacks the manager serves (for drain).
    public func attach(_ stack: SIPStack) {
        drainState.withLock { $0.stacks.append(stack) }
        stack.delegate = self
    }

    /// A session ended: forget it; finish a drain when it was the last call.
    func ended(_ session: CallSession) {
        let remaining = registry.withLock { table -> Int in
            table[session.callId] = nil
            return table.count
        }
        if remaining == 0, drainState.withLock({ $0.draining }) { takeDrainedCallback()?() }
    }

    public var isDraining: Bool { drainState.withLock { $0.draining } }
    public var drainDeadlineMs: Int64? { drainState.withLock { $0.deadlineMs } }

    /// Starts draining (idempotent): OPTIONS and new INVITEs get 503 + Retry-After, calls
    /// in progress finish; at `timeoutS` the ones left are hung up (disposition `drained`).
    /// `whenDrained` runs once no call is left (at once when none is).
    public func startDrain(timeoutS: Int, whenDrained: @escaping @Sendable () -> Void) {
        let stacks: [SIPStack]? = drainState.withLock { s in
            guard !s.draining else { return nil }
            s.draining = true
            s.deadlineMs = services.store.clock.nowMs() + Int64(timeoutS) * 1000
            return s.stacks
        }
        guard let stacks else { return }
        onDrained.withLock { $0 = whenDrained }
        for stack in stacks {
            stack.loop.execute { stack.draining = true }
        }
        services.log.info("draining", ["active_calls": String(activeCallCount), "timeout_s": String(timeoutS)])
        let task = Task { [weak self] in
            try? await Task.sleep(for: .seconds(timeoutS))
            guard !Task.isCancelled, let self else { return }
            for session in self.sessions { session.post(.hangUp(disposition: "drained")) }
        }
        drainState.withLock { $0.deadlineTask = task }
        if activeCallCount == 0 { takeDrainedCallback()?() }
    }

    /// The drain callback, once.
    func takeDrainedCallback() -> (@Sendable () -> Void)? {
        onDrained.withLock { callback in
            defer { callback = nil }
            return callback
        }
    }
}
