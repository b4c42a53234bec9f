/// The `campaigns` section: defaults a campaign definition may override.
public struct CampaignDefaults: Sendable, Equatable {
    /// Trunk outbound calls use; nil uses the first trunk with an address.
    public var trunk: String?
    /// Default 10.
    public var maxConcurrentCalls: Int
    /// Default 2.
    public var callsPerSecond: Double
    /// Calling window in the contact's time zone, minutes after midnight (defaults 09:00–20:00).
    public var windowStartMinutes: Int
    public var windowEndMinutes: Int
    /// Default 3.
    public var maxAttempts: Int
    /// Delay before a retry, default 3600 s.
    public var retryDelayS: Int

    public init(trunk: String? = nil, maxConcurrentCalls: Int = 10, callsPerSecond: Double = 2,
                windowStartMinutes: Int = 9 * 60, windowEndMinutes: Int = 20 * 60, maxAttempts: Int = 3,
                retryDelayS: Int = 3600) {
        self.trunk = trunk
        self.maxConcurrentCalls = maxConcurrentCalls
        self.callsPerSecond = callsPerSecond
        self.windowStartMinutes = windowStartMinutes
        self.windowEndMinutes = windowEndMinutes
        self.maxAttempts = maxAttempts
        self.retryDelayS = retryDelayS
    }
}
