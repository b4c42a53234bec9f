/// What the call layer reports for metrics. The daemon implements it over its Prometheus
/// registry (the admin layer sits above this one); tests use a recording fake or `none`.
/// Called from the control plane only (never from a media thread).
public protocol CallMetricsSink: Sendable {
    func callStarted()
    func callEnded(disposition: String, durationMs: Int64)
    func bargeIn(latencyMs: Int)
    func falseBargeIn()
    func responseLatency(ms: Int)
    func recognizerLatency(ms: Int)
    func recognizerError(engine: String)
    /// At a call's end, from its final RTP statistics.
    func rtpReception(packetsLost: Int, jitterMs: Double)
    /// Recognizer frames the media thread dropped because the ring was full.
    func ringDrops(ring: String, count: Int)
}

/// Reports nothing.
public struct NoCallMetrics: CallMetricsSink {
    public init() {}
    public func callStarted() {}
    public func callEnded(disposition: String, durationMs: Int64) {}
    public func bargeIn(latencyMs: Int) {}
    public func falseBargeIn() {}
    public func responseLatency(ms: Int) {}
    public func recognizerLatency(ms: Int) {}
    public func recognizerError(engine: String) {}
    public func rtpReception(packetsLost: Int, jitterMs: Double) {}
    public func ringDrops(ring: String, count: Int) {}
}
