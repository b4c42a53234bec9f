import ParleyRTP

/// One channel's counters at an instant, published by its media thread.
public struct MediaStatsSnapshot: Sendable, BitwiseCopyable {
    public var reception: RTPReceptionStatistics
    public var jitterBuffer: JitterBufferStatistics
    public var packetsSent: UInt64 = 0
    public var octetsSent: UInt64 = 0
    /// Datagrams read from the RTP socket (all sources, all payload types).
    public var datagramsReceived: UInt64 = 0
    /// Not RTP, unknown payload type, or from a source the latch ignores.
    public var packetsIgnored: UInt64 = 0
    public var telephoneEventPackets: UInt64 = 0
    public var rtcpSent: UInt64 = 0
    public var rtcpReceived: UInt64 = 0
    /// Send failures (socket buffer full or error).
    public var sendErrors: UInt64 = 0
    /// Events and recognizer frames refused by full rings.
    public var eventsDropped: UInt64 = 0
    public var recognizerFramesDropped: UInt64 = 0
    /// Lost Opus frames rebuilt from the next packet's in-band FEC (the rest of the
    /// concealed frames used the codec's PLC or repeat-and-fade).
    public var fecRecovered: UInt64 = 0
    public var ticks: UInt64 = 0
    /// The channel's last counters, published as its media thread took it off.
    public var isFinal = false
    public var durationMs: Int64 = 0

    public init() {
        reception = RTPReceptionStatistics()
        jitterBuffer = JitterBufferStatistics()
    }

    /// The `X-RTP-Stat` summary for a BYE (allocates; control plane).
    public func summary(encoderName: String, decoderName: String, clockRate: Int) -> RTPStatSummary {
        var s = RTPStatSummary()
        s.record(reception: reception, jitterBuffer: jitterBuffer, clockRate: clockRate)
        s.packetsSent = packetsSent
        s.octetsSent = octetsSent
        s.durationSeconds = Int(durationMs / 1000)
        s.encoder = encoderName
        s.decoder = decoderName
        return s
    }
}
