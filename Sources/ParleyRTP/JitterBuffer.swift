/// Adaptive jitter buffer for one call. Packets go in as they arrive (`put`), one frame
/// comes out per media tick (`get`), or a "conceal" instruction. Storage is allocated
/// once at `init`; `put` and `get` copy payload bytes and never allocate, lock or log.
///
/// - Ordering: slots indexed by extended sequence number; reordered packets fall into place.
/// - Duplicates (same packet twice, or after playout) and late packets are dropped and counted.
/// - Adaptive depth: target = the frame being played + 4 × interarrival jitter (RFC 3550 A.8)
///   rounded to the nearest frame, raised on late packets, within [minDepthMs, maxDepthMs].
///   The caller's audio goes to a listener, not a loudspeaker: the buffer only has to
///   reorder and absorb jitter, so a steady stream is played in the tick it arrives.
/// - Clock skew (e.g. ±100 ppm): a smoothed fill level above target + 1.5 frames drops one
///   frame; below target − 1.5 frames a conceal tick is inserted instead of advancing. The
///   caller of `get` says when a frame may be dropped (`mayShrink`: not while the caller is
///   speaking, so a burst after a stall costs no syllables); beyond the maximum depth a frame
///   is dropped regardless.
public struct JitterBuffer: Sendable {
    struct Slot: Sendable, BitwiseCopyable {
        var sequence: Int64 = .min   // never a real extended sequence number
        var timestamp: UInt32 = 0
        var payloadBytes: Int = 0
        var payloadType: UInt8 = 0
        var marker = false
        /// true: holds a frame waiting for playout; false with `sequence` set: already played.
        var filled = false
    }

    public let configuration: JitterBufferConfiguration
    var slots: [Slot]
    var storage: [UInt8]
    var extender = SequenceExtender()
    var started = false
    var playing = false
    /// Next extended sequence number to play.
    var nextSequence: Int64 = 0
    var highestSequence: Int64 = -1
    var lastTimestamp: UInt32 = 0
    var filledCount = 0
    var targetFrames: Int
    var lateBoostFrames = 0
    var ticksSinceLate = 0
    /// Smoothed fill level in frames.
    var levelAverage: Double = 0
    var transit: Int64 = 0
    var hasTransit = false
    var jitterQ4: Int64 = 0
    public private(set) var statistics = JitterBufferStatistics()
    /// Whether the last `get` answered `.conceal` for a frame that never arrived (not a
    /// stretch): only then does the frame after it carry that frame's in-band FEC.
    public private(set) var lastGetWasLoss = false

    public init(configuration: JitterBufferConfiguration) {
        self.configuration = configuration
        slots = Array(repeating: Slot(), count: configuration.slotCount)
        storage = Array(repeating: 0, count: configuration.slotCount * configuration.maxPayloadBytes)
        targetFrames = (configuration.initialDepthMs + configuration.frameMs - 1) / configuration.frameMs
        statistics.targetDepthMs = targetFrames * configuration.frameMs
    }

    /// Frames from the next one to play to the newest received (gaps included).
    public var spanFrames: Int { started ? max(0, Int(highestSequence - nextSequence + 1)) : 0 }
    public var targetDepthMs: Int { targetFrames * configuration.frameMs }

    /// Forgets all packets (new SSRC, re-INVITE); statistics are kept.
    public mutating func reset() {
        for i in slots.indices { slots[i] = Slot() }
        extender.reset()
        started = false
        playing = false
        filledCount = 0
        hasTransit = false
        highestSequence = -1
    }

    /// Stores one packet. `arrival` is the local media clock in the stream's RTP
    /// timestamp units (for the jitter estimate).
    @discardableResult
    public mutating func put(header: RTPHeader, payload: Span<UInt8>, arrival: UInt32) -> JitterBufferPutResult {
        guard payload.count <= configuration.maxPayloadBytes else {
            statistics.oversized &+= 1
            return .oversized
        }
        var restarted = false
        if started {
            let d = RTPSequence.distance(from: UInt16(truncatingIfNeeded: highestSequence), to: header.sequenceNumber)
            if abs(d) > 2 * slots.count + 100 {
                statistics.resets &+= 1
                reset()
                restarted = true
            }
        }
        let sequence = extender.extend(header.sequenceNumber)
        if !started {
            started = true
            nextSequence = sequence
            highestSequence = sequence - 1
            levelAverage = 0
        }
        let index = slotIndex(sequence)
        if sequence < nextSequence {
            if sequence >= nextSequence - Int64(slots.count) && slots[index].sequence == sequence {
                statistics.duplicate &+= 1
                return .duplicate
            }
            statistics.late &+= 1
            lateBoostFrames = min(lateBoostFrames + 1, configuration.maxFrames)
            ticksSinceLate = 0
            return .late
        }
        if slots[index].filled && slots[index].sequence == sequence {
            statistics.duplicate &+= 1
            return .duplicate
        }
        // Too far ahead of the playout point: drop the oldest frames to make room.
        while sequence - nextSequence >= Int64(slots.count) {
            discardNext()
        }
        if sequence < highestSequence { statistics.reordered &+= 1 }
        if sequence > highestSequence { highestSequence = sequence }
        updateJitter(timestamp: header.timestamp, arrival: arrival)

        if slots[index].filled { filledCount -= 1 }   // stale frame of an older lap
        slots[index] = Slot(sequence: sequence, timestamp: header.timestamp, payloadBytes: payload.count,
                            payloadType: header.payloadType, marker: header.marker, filled: true)
        filledCount += 1
        let base = index * configuration.maxPayloadBytes
        do {
            var destination = storage.mutableSpan   // one uniqueness check, not one per byte
            for i in 0..<payload.count { destination[base + i] = payload[i] }
        }
        statistics.received &+= 1
        return restarted ? .restarted : .stored
    }

    /// One tick: copies the next frame into `payload` (which should hold `maxPayloadBytes`),
    /// or tells the caller to conceal, or to play silence while buffering. `mayShrink` false
    /// holds a fill level above target (no frame dropped to lower it) unless the span passed
    /// the maximum depth: pass it false while the frames carry speech.
    public mutating func get(into payload: inout MutableSpan<UInt8>, mayShrink: Bool = true) -> JitterBufferOutput {
        lastGetWasLoss = false
        guard started else { return .buffering }
        adaptTarget()
        let span = spanFrames
        levelAverage += (Double(span) - levelAverage) / 32
        statistics.currentDepthMs = span * configuration.frameMs
        if !playing {
            guard span >= targetFrames else { return .buffering }
            playing = true
            levelAverage = Double(span)
        }
        if filledCount == 0 {
            // Underrun: nothing ahead. Stretch and refill to the target.
            playing = false
            return stretch()
        }
        let target = Double(targetFrames)
        if span > configuration.maxFrames || (mayShrink && levelAverage > target + 1.5) {
            discardNext()
            levelAverage -= 1
        } else if levelAverage < target - 1.5 && span < targetFrames {
            levelAverage += 1
            return stretch()
        }
        let index = slotIndex(nextSequence)
        let slot = slots[index]
        let sequence = nextSequence
        nextSequence += 1
        guard slot.filled && slot.sequence == sequence else {
            statistics.missing &+= 1
            statistics.concealed &+= 1
            lastGetWasLoss = true
            lastTimestamp = lastTimestamp &+ UInt32(truncatingIfNeeded: configuration.frameSamples)
            return .conceal(timestamp: lastTimestamp)
        }
        slots[index].filled = false
        filledCount -= 1
        let n = min(slot.payloadBytes, payload.count)
        let base = index * configuration.maxPayloadBytes
        do {
            let source = storage.span
            for i in 0..<n { payload[i] = source[base + i] }
        }
        lastTimestamp = slot.timestamp
        statistics.played &+= 1
        return .frame(JitterBufferFrame(sequenceNumber: UInt16(truncatingIfNeeded: sequence), extendedSequenceNumber: sequence,
                                        timestamp: slot.timestamp, payloadType: slot.payloadType, marker: slot.marker,
                                        payloadBytes: n))
    }

    /// The next frame to play, if it has arrived: copies its payload into `payload` and
    /// returns the byte count (nil when it is missing). It stays in the buffer. After a
    /// `get` that concealed a loss (`lastGetWasLoss`), this is the frame right after the
    /// lost one, whose Opus in-band FEC rebuilds it.
    public func peekNext(into payload: inout MutableSpan<UInt8>) -> Int? {
        guard started else { return nil }
        let index = slotIndex(nextSequence)
        let slot = slots[index]
        guard slot.filled && slot.sequence == nextSequence else { return nil }
        let n = min(slot.payloadBytes, payload.count)
        let base = index * configuration.maxPayloadBytes
        let source = storage.span
        for i in 0..<n { payload[i] = source[base + i] }
        return n
    }

    /// Slot of an extended sequence number (which may be negative just after the start).
    @inline(__always) func slotIndex(_ sequence: Int64) -> Int {
        let n = Int64(slots.count)
        return Int(((sequence % n) + n) % n)
    }

    mutating func stretch() -> JitterBufferOutput {
        statistics.stretched &+= 1
        statistics.concealed &+= 1
        return .conceal(timestamp: lastTimestamp &+ UInt32(truncatingIfNeeded: configuration.frameSamples))
    }

    /// Drops the frame at the playout point (present or not) and advances.
    mutating func discardNext() {
        let index = slotIndex(nextSequence)
        if slots[index].filled && slots[index].sequence == nextSequence {
            slots[index].filled = false
            filledCount -= 1
            lastTimestamp = slots[index].timestamp
            statistics.discarded &+= 1
        } else {
            statistics.missing &+= 1
        }
        nextSequence += 1
    }

    mutating func updateJitter(timestamp: UInt32, arrival: UInt32) {
        let t = Int64(Int32(bitPattern: arrival &- timestamp))
        if hasTransit {
            let d = abs(t - transit)
            // Ignore jumps beyond a second (talkspurt gaps, timestamp resets).
            if d < Int64(configuration.clockRate) { jitterQ4 += d - ((jitterQ4 + 8) >> 4) }
        }
        transit = t
        hasTransit = true
        statistics.jitterMicroseconds = Int((jitterQ4 >> 4) * 1_000_000 / Int64(max(1, configuration.clockRate)))
    }

    /// Frames held for jitter beyond the one being played: 4 × the interarrival jitter,
    /// rounded to the nearest frame (half a frame or less: none). A frame is held back only
    /// for jitter that can make a packet miss its playout tick: with sub-millisecond jitter
    /// the packet that arrived just before the tick is played in it. Should a packet
    /// still come too late, `lateBoostFrames` raises the target, and an underrun stretches
    /// and refills (a buffer that had to grow stays deeper: it shrinks only past
    /// target + 1.5 frames).
    static func jitterFrames(jitterSamples: Int64, frameSamples: Int) -> Int {
        let frame = Int64(max(1, frameSamples))
        return Int((4 * max(0, jitterSamples) + frame / 2 - 1) / frame)
    }

    mutating func adaptTarget() {
        ticksSinceLate += 1
        if ticksSinceLate >= 500 && lateBoostFrames > 0 {   // decay a late-packet boost every ~10 s at 20 ms
            lateBoostFrames -= 1
            ticksSinceLate = 0
        }
        let wanted = 1 + Self.jitterFrames(jitterSamples: jitterQ4 >> 4, frameSamples: configuration.frameSamples)
            + lateBoostFrames
        targetFrames = min(max(wanted, configuration.minFrames), configuration.maxFrames)
        statistics.targetDepthMs = targetFrames * configuration.frameMs
    }
}
