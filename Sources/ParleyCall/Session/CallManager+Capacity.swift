import ParleySIP

extension CallManager {
    /// Whether the node takes new calls: not draining and below `sip.limits.max_calls`.
    var acceptsNewCalls: Bool {
        !isDraining && activeCallCount < services.configuration.sip.maxCalls
    }

    /// Makes every stack's OPTIONS answer follow `acceptsNewCalls`: 503 + Retry-After while
    /// the node is full (or draining), 200 again once a call ended. A load balancer that
    /// probes with OPTIONS (Kamailio's dispatcher) thus takes a full node out of rotation
    /// instead of sending it INVITEs to refuse, and brings it back by itself. While the
    /// flag is set the stack also refuses new INVITEs with 503 + Retry-After.
    /// Call after a call was admitted or ended; from any thread.
    func refreshAvailability() {
        let stacks = drainState.withLock { $0.stacks }
        for stack in stacks {
            // Evaluated on the loop thread, in order with the stack's other work, so the
            // last refresh wins with the current counts.
            stack.loop.execute { [self] in
                let unavailable = !acceptsNewCalls
                if stack.draining != unavailable { stack.draining = unavailable }
            }
        }
    }
}
