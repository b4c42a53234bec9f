/// Bounds on what the parser accepts, so no message can grow memory without bound.
public struct SIPLimits: Sendable, Equatable {
    /// Whole message (start line, headers and body), in bytes.
    public var maxMessageBytes: Int
    /// Header lines after unfolding (each line may carry several comma-separated values).
    public var maxHeaderCount: Int
    /// One header line's value after unfolding, in bytes.
    public var maxHeaderValueBytes: Int
    /// Message body, in bytes.
    public var maxBodyBytes: Int

    public init(maxMessageBytes: Int = 65_535, maxHeaderCount: Int = 256,
                maxHeaderValueBytes: Int = 8_192, maxBodyBytes: Int = 32_768) {
        self.maxMessageBytes = maxMessageBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxHeaderValueBytes = maxHeaderValueBytes
        self.maxBodyBytes = maxBodyBytes
    }

    public static let `default` = SIPLimits()
}
