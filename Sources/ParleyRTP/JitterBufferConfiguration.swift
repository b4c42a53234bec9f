/// Settings of one call's jitter buffer. Depths are in ms, sizes in bytes.
public struct JitterBufferConfiguration: Equatable, Sendable {
    /// RTP clock rate of the stream in Hz (8000 for G.711, 48000 for opus).
    public var clockRate: Int
    /// Packetization time: one frame per packet, one frame out per tick.
    public var frameMs: Int
    /// Lower and upper bounds of the adaptive target depth. The lower bound defaults to one
    /// frame (the frame being played: no extra delay on a steady stream).
    public var minDepthMs: Int
    public var maxDepthMs: Int
    /// Target depth before any jitter has been observed.
    public var initialDepthMs: Int
    /// Largest payload stored; bigger packets are dropped and counted.
    public var maxPayloadBytes: Int

    public init(clockRate: Int = 8000, frameMs: Int = 20, minDepthMs: Int = 20, maxDepthMs: Int = 200,
                initialDepthMs: Int = 60, maxPayloadBytes: Int = 512) {
        self.clockRate = clockRate
        self.frameMs = max(1, frameMs)
        self.minDepthMs = max(self.frameMs, minDepthMs)
        self.maxDepthMs = max(self.minDepthMs, maxDepthMs)
        self.initialDepthMs = min(max(initialDepthMs, self.minDepthMs), self.maxDepthMs)
        self.maxPayloadBytes = max(1, maxPayloadBytes)
    }

    /// Samples (RTP timestamp units) per frame.
    public var frameSamples: Int { clockRate * frameMs / 1000 }
    public var minFrames: Int { (minDepthMs + frameMs - 1) / frameMs }
    public var maxFrames: Int { max(minFrames, maxDepthMs / frameMs) }
    /// Slots preallocated: the maximum depth plus room for reordering beyond it.
    public var slotCount: Int { maxFrames * 2 + 4 }
}

/// Counters of one call's jitter buffer (all in packets or frames unless named).
public struct JitterBufferStatistics: Equatable, Sendable, BitwiseCopyable {
    /// Packets stored (first copies only).
    public var received: UInt64 = 0
    /// Frames missing at their playout time and never seen afterwards.
    public var lost: UInt64 { missing >= late ? missing - late : 0 }
    /// Frames missing at their playout time (lost or late).
    public var missing: UInt64 = 0
    /// Packets that arrived after their playout time.
    public var late: UInt64 = 0
    public var duplicate: UInt64 = 0
    /// Packets that arrived after a packet with a higher sequence number.
    public var reordered: UInt64 = 0
    /// Ticks answered with "conceal": missing frames plus stretches.
    public var concealed: UInt64 = 0
    /// Conceal ticks inserted to grow the buffer (underrun, slow sender clock).
    public var stretched: UInt64 = 0
    /// Frames dropped to shrink the buffer (fast sender clock, lower target) or on overflow.
    public var discarded: UInt64 = 0
    /// Packets dropped for being larger than a slot.
    public var oversized: UInt64 = 0
    /// Times the buffer restarted on a sequence jump.
    public var resets: UInt64 = 0
    /// Frames played out.
    public var played: UInt64 = 0
    public var currentDepthMs: Int = 0
    public var targetDepthMs: Int = 0
    /// Interarrival jitter estimate (RFC 3550 A.8) in ms ×1000 (µs).
    public var jitterMicroseconds: Int = 0

    public init() {}
}

/// What the buffer yields on one tick.
public enum JitterBufferOutput: Equatable, Sendable, BitwiseCopyable {
    /// A frame was copied into the caller's buffer.
    case frame(JitterBufferFrame)
    /// No frame for this tick: the decoder should conceal (PLC/FEC, or repeat-and-fade).
    /// `timestamp` is the RTP timestamp the missing frame would have had.
    case conceal(timestamp: UInt32)
    /// Nothing yet (no packet so far or filling up): play silence.
    case buffering
}

/// Description of a frame handed out by `JitterBuffer.get(into:)`.
public struct JitterBufferFrame: Equatable, Sendable, BitwiseCopyable {
    public var sequenceNumber: UInt16
    public var extendedSequenceNumber: Int64
    public var timestamp: UInt32
    public var payloadType: UInt8
    public var marker: Bool
    /// Bytes copied into the caller's buffer.
    public var payloadBytes: Int
}

/// Result of `JitterBuffer.put`.
public enum JitterBufferPutResult: Equatable, Sendable, BitwiseCopyable {
    case stored
    case duplicate
    case late
    case oversized
    /// The sequence jumped far: the buffer restarted with this packet.
    case restarted
}
