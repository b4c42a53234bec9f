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
        updateAvailability()
    }

    /// OPTIONS (and INVITEs) get 503 + Retry-After while draining or at `max_calls`, so a
    /// dispatcher's health probe takes the node out of rotation; 200 again below it.
    func updateAvailability() {
        let unavailable = isDraining || activeCallCount >= services.configuration.sip.maxCalls
        for stack in drainState.withLock({ $0.stacks }) {
            stack.loop.execute {
                if stack.draining != unavailable { stack.draining = unavailable }
            }
        }
    }

    public var isDraining: Bool { drainState.withLock { $0.draining } }
    public var drainDeadlineMs: Int64? { drainState.withLock { $0.deadlineMs } }

    /// Starts draining (idempotent): OPTIONS and new INVITEs get 503 + Retry-After, calls
    /// in progress finish; at `timeoutS` the ones left are hung up (disposition `drained`).
    /// `whenDrained` runs once no call is left (at once when none is).
    public func startDrain(timeoutS: Int, whenDrained: @escaping @Sendable () -> Void) {
        let started = drainState.withLock { s -> Bool in
            guard !s.draining else { return false }
            s.draining = true
            s.deadlineMs = services.store.clock.nowMs() + Int64(timeoutS) * 1000
            return true
        }
        guard started else { return }
        onDrained.withLock { $0 = whenDrained }
        updateAvailability()
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
