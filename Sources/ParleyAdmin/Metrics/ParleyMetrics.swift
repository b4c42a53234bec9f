// ParleyMetrics — the daemon's metric names in one place (documented in docs/admin.md).
// Create once at start-up; hand the cells to the domains that update them. Cells without
// labels are fixed; labelled ones (`disposition`, `ring`, `engine`) are looked up per
// call or per event through the registry (a lock at that moment, never per frame).

public struct ParleyMetrics: Sendable {
    public let registry: MetricsRegistry

    public let activeCalls: Gauge
    public let draining: Gauge
    public let bargeIns: Counter
    public let falseBargeIns: Counter
    public let responseLatency: Histogram
    public let bargeInLatency: Histogram
    public let rtpPacketsLost: Counter
    public let rtpJitter: Histogram
    public let recognizerLatency: Histogram
    public let mediaTickOverruns: Counter
    public let webhookBacklog: Gauge
    public let webhookDeliveries: Counter
    public let webhookFailures: Counter

    public init(registry: MetricsRegistry) {
        self.registry = registry
        activeCalls = registry.gauge("parley_calls_active", help: "Calls in progress.")
        draining = registry.gauge("parley_draining", help: "1 while the node is draining, else 0.")
        bargeIns = registry.counter("parley_barge_ins_total", help: "Caller speech that stopped a prompt.")
        falseBargeIns = registry.counter("parley_false_barge_ins_total",
                                         help: "Barge-ins followed by no recognised speech (noise, echo, cough).")
        responseLatency = registry.histogram("parley_response_latency_seconds",
                                             help: "End of caller speech to the first packet of the answer.",
                                             buckets: Histogram.voiceLatencySeconds)
        bargeInLatency = registry.histogram("parley_barge_in_latency_seconds",
                                            help: "Start of caller speech to prompt playback stopped.",
                                            buckets: Histogram.voiceLatencySeconds)
        rtpPacketsLost = registry.counter("parley_rtp_packets_lost_total", help: "RTP packets lost (sequence gaps) on receive.")
        rtpJitter = registry.histogram("parley_rtp_jitter_seconds", help: "Interarrival jitter (RFC 3550) per call at its end.",
                                       buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16])
        recognizerLatency = registry.histogram("parley_recognizer_latency_seconds",
                                               help: "End of utterance to final recognition result.")
        mediaTickOverruns = registry.counter("parley_media_tick_overruns_total",
                                             help: "Media ticks that finished after their deadline.")
        webhookBacklog = registry.gauge("parley_webhook_backlog", help: "Webhooks waiting in the outbox.")
        webhookDeliveries = registry.counter("parley_webhook_deliveries_total", help: "Webhooks delivered (2xx).")
        webhookFailures = registry.counter("parley_webhook_failures_total",
                                           help: "Webhook attempts that failed (each retry counts).")
    }

    /// Bumped when a call ends.
    public func callsEnded(disposition: String) -> Counter {
        registry.counter("parley_calls_total", help: "Calls ended, by disposition.", labels: ["disposition": disposition])
    }

    /// Bumped when a recognizer request fails.
    public func recognizerErrors(engine: String) -> Counter {
        registry.counter("parley_recognizer_errors_total", help: "Recognizer failures, by engine.", labels: ["engine": engine])
    }

    /// Values dropped because a ring between domains was full.
    public func ringDrops(ring: String) -> Counter {
        registry.counter("parley_ring_drops_total", help: "Items dropped on a full ring, by ring.", labels: ["ring": ring])
    }
}
