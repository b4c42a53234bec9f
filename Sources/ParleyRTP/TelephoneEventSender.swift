/// RFC 4733 sender for one stream: a begin packet with the marker bit, continuation
/// packets every packet interval with growing duration, then the end packet three
/// times (§2.5.1.4). The RTP timestamp stays that of the event start. The caller
/// assigns sequence numbers and SSRC (shared with the audio stream) and sends each
/// packet on its tick.
public struct TelephoneEventSender: Equatable, Sendable, BitwiseCopyable {
    /// One packet to send: RTP marker and timestamp, and the event payload.
    public struct Packet: Equatable, Sendable, BitwiseCopyable {
        public var marker: Bool
        public var timestamp: UInt32
        public var payload: TelephoneEvent
    }

    public let packetIntervalSamples: Int
    public let volume: UInt8
    public let endRepeats = 3
    var event: UInt8 = 0
    var timestamp: UInt32 = 0
    var targetSamples = 0
    var sentSamples = 0
    var endsSent = 0
    var begun = false
    public private(set) var isActive = false

    /// `packetIntervalSamples`: the stream's ptime in RTP clock units (160 for 20 ms at 8 kHz).
    public init(packetIntervalSamples: Int, volume: UInt8 = 10) {
        self.packetIntervalSamples = max(1, packetIntervalSamples)
        self.volume = volume
    }

    /// Starts an event at RTP `timestamp` lasting `durationSamples` (capped at 65535).
    /// Returns false while another event is still being sent.
    public mutating func start(event: UInt8, durationSamples: Int, timestamp: UInt32) -> Bool {
        guard !isActive, event <= TelephoneEvent.highestDTMFEvent else { return false }
        self.event = event
        self.timestamp = timestamp
        targetSamples = min(max(durationSamples, packetIntervalSamples), Int(UInt16.max))
        sentSamples = 0
        endsSent = 0
        begun = false
        isActive = true
        return true
    }

    /// The packet for this tick, or nil when idle. After the last end packet the
    /// sender is idle again.
    public mutating func nextPacket() -> Packet? {
        guard isActive else { return nil }
        let marker = !begun
        begun = true
        if sentSamples < targetSamples {
            sentSamples = min(sentSamples + packetIntervalSamples, targetSamples)
            if sentSamples < targetSamples {
                return Packet(marker: marker, timestamp: timestamp,
                              payload: TelephoneEvent(event: event, volume: volume, duration: UInt16(sentSamples)))
            }
        }
        endsSent += 1
        if endsSent >= endRepeats { isActive = false }
        return Packet(marker: marker, timestamp: timestamp,
                      payload: TelephoneEvent(event: event, end: true, volume: volume, duration: UInt16(targetSamples)))
    }
}
