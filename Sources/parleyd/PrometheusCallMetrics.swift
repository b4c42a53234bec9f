import ParleyAdmin
import ParleyCall

/// The call layer's metrics, written into the admin API's Prometheus registry.
struct PrometheusCallMetrics: CallMetricsSink {
    let metrics: ParleyMetrics

    func callStarted() { metrics.activeCalls.increment() }

    func callEnded(disposition: String, durationMs: Int64) {
        metrics.activeCalls.decrement()
        metrics.callsEnded(disposition: disposition).increment()
    }

    func bargeIn(latencyMs: Int) {
        metrics.bargeIns.increment()
        metrics.bargeInLatency.observe(milliseconds: Double(latencyMs))
    }

    func falseBargeIn() { metrics.falseBargeIns.increment() }
    func responseLatency(ms: Int) { metrics.responseLatency.observe(milliseconds: Double(ms)) }
    func recognizerLatency(ms: Int) { metrics.recognizerLatency.observe(milliseconds: Double(ms)) }
    func recognizerError(engine: String) { metrics.recognizerErrors(engine: engine).increment() }

    func rtpReception(packetsLost: Int, jitterMs: Double) {
        if packetsLost > 0 { metrics.rtpPacketsLost.increment(by: UInt64(packetsLost)) }
        metrics.rtpJitter.observe(milliseconds: jitterMs)
    }

    func ringDrops(ring: String, count: Int) {
        metrics.ringDrops(ring: ring).increment(by: UInt64(max(0, count)))
    }
}
