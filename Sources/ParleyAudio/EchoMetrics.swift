/// Echo figures for one call: what the APM measured (ERL, ERLE, its own delay metric) and the
/// pipeline's own delay estimate from the played reference.
public struct EchoMetrics: Sendable, Equatable {
    public var valid: Bool
    /// Echo return loss: how much quieter the echo is than what was played (dB).
    public var echoReturnLossDb: Int
    /// Echo return loss enhancement: what the canceller removed on top (dB).
    public var echoReturnLossEnhancementDb: Int
    public var residualEchoReturnLossDb: Int
    public var apmDelayMedianMs: Int
    public var apmDelayStdMs: Int
    /// The pipeline's delay estimate (played sample to its echo), -1 when unknown.
    public var estimatedDelayMs: Int
    /// Normalized correlation at the estimated delay, 0...1.
    public var delayConfidence: Double
}
