/// What the caller measures on the bot's RTP stream: interarrival jitter (RFC 3550 A.8;
/// the call's largest value is kept), loss (A.3: expected − received, from extended
/// sequence numbers), and the pacing error of every packet (`PacingHistogram`). Arrival
/// times are the caller's monotonic clock at the read. Pure: the glue passes each
/// packet's sequence number, timestamp and arrival time.
public struct StreamMeasures: Sendable, Equatable {
    public let clockRate: Int
    public private(set) var pacing = PacingHistogram()
    public private(set) var packets = 0
    /// Current RFC 3550 jitter estimate (ms) and the call's largest.
    public private(set) var jitterMs: Double = 0
    public private(set) var maxJitterMs: Double = 0
    var started = false
    var lastArrivalNs: UInt64 = 0
    var lastTimestamp: UInt32 = 0
    var lastSequence: UInt16 = 0
    /// The stream's SSRC (the first packet's).
    public private(set) var ssrc: UInt32 = 0
    /// Packets whose SSRC differed from the one before: a peer that restarted its stream,
    /// or another stream arriving on this call's socket.
    public private(set) var ssrcChanges = 0
    var firstExtended: Int64 = 0
    var highestExtended: Int64 = 0

    public init(clockRate: Int = 8_000) { self.clockRate = clockRate }

    /// One received packet of the stream (telephone-events included: same clock).
    /// `marker`: the first packet of a talkspurt (after a pause in sending): its interarrival
    /// step is the pause, not pacing, and is left out of the pacing error and the jitter.
    public mutating func packet(sequence: UInt16, timestamp: UInt32, ssrc: UInt32, arrivalNs: UInt64, payloadBytes: Int,
                                marker: Bool = false) {
        packets += 1
        if !started { self.ssrc = ssrc } else if ssrc != self.ssrc {
            ssrcChanges += 1
            self.ssrc = ssrc
        }
        // Extended sequence number: the nearest to the highest seen (wraps and reordering).
        let extended: Int64
        if !started {
            extended = Int64(sequence)
            firstExtended = extended
            highestExtended = extended
        } else {
            let delta = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: highestExtended)))
            extended = highestExtended + delta
            highestExtended = max(highestExtended, extended)
            firstExtended = min(firstExtended, extended)
        }
        if started, !marker, sequence == lastSequence &+ 1 {
            let arrivalStepUs = Int(Int64(bitPattern: arrivalNs &- lastArrivalNs) / 1_000)
            let timestampStepUs = Int(Int32(bitPattern: timestamp &- lastTimestamp)) * 1_000_000 / clockRate
            pacing.add(errorUs: abs(arrivalStepUs - timestampStepUs))
            // A.8 with wrap-safe timestamp differences: D = (Rj − Ri) − (Sj − Si).
            let d = abs(Double(arrivalStepUs - timestampStepUs) / 1_000)
            jitterMs += (d - jitterMs) / 16
            maxJitterMs = max(maxJitterMs, jitterMs)
        }
        started = true
        lastArrivalNs = arrivalNs
        lastTimestamp = timestamp
        lastSequence = sequence
    }

    /// Packets the sequence numbers say were sent.
    public var expected: Int { started ? Int(highestExtended - firstExtended + 1) : 0 }

    /// Packets the sequence numbers say were sent but did not arrive (never negative).
    public var lost: Int { max(0, expected - packets) }
}
