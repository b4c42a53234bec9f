import ParleyRTP

/// What the caller measures on the bot's RTP stream: interarrival jitter (RFC 3550 A.8),
/// loss (A.1/A.3: expected − received), and the pacing error of every packet
/// (`PacingHistogram`). Arrival times are the caller's monotonic clock at the read.
/// Pure: the glue passes each packet's sequence number, timestamp and arrival time.
public struct StreamMeasures: Sendable, Equatable {
    public let clockRate: Int
    public private(set) var reception = RTPReceptionStatistics()
    public private(set) var pacing = PacingHistogram()
    public private(set) var packets = 0
    var started = false
    var lastArrivalNs: UInt64 = 0
    var lastTimestamp: UInt32 = 0
    var lastSequence: UInt16 = 0

    public init(clockRate: Int = 8_000) { self.clockRate = clockRate }

    /// One received packet of the stream (telephone-events included: same clock).
    public mutating func packet(sequence: UInt16, timestamp: UInt32, ssrc: UInt32, arrivalNs: UInt64, payloadBytes: Int) {
        packets += 1
        let arrival = UInt32(truncatingIfNeeded: arrivalNs / UInt64(1_000_000_000 / clockRate))
        if !started {
            reception = RTPReceptionStatistics(ssrc: ssrc, firstSequence: sequence)
        }
        reception.update(sequenceNumber: sequence, timestamp: timestamp, arrival: arrival, payloadBytes: payloadBytes)
        // Pacing error between consecutive packets only (a gap's error is the loss's, not pacing).
        if started, sequence == lastSequence &+ 1 {
            let arrivalStepUs = Int(Int64(bitPattern: arrivalNs &- lastArrivalNs) / 1_000)
            let timestampStepUs = Int(Int32(bitPattern: timestamp &- lastTimestamp)) * 1_000_000 / clockRate
            pacing.add(errorUs: abs(arrivalStepUs - timestampStepUs))
        }
        started = true
        lastArrivalNs = arrivalNs
        lastTimestamp = timestamp
        lastSequence = sequence
    }

    /// RFC 3550 interarrival jitter in ms.
    public var jitterMs: Double { Double(reception.jitter) * 1_000 / Double(clockRate) }

    /// Packets the sequence numbers say were sent but did not arrive (never negative).
    public var lost: Int { max(0, Int(reception.cumulativeLost)) }

    public var expected: Int { Int(reception.expected) }
}
