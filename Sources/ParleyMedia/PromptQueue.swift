/// One queued prompt: which entry of the prompt table, where to start, how it may be
/// interrupted.
public struct PromptSegment: Sendable, Equatable, BitwiseCopyable {
    public var prompt: UInt16
    public var startSamples: Int32
    public var bargeIn: BargeInMode

    public init(prompt: UInt16, startSamples: Int32, bargeIn: BargeInMode) {
        self.prompt = prompt
        self.startSamples = startSamples
        self.bargeIn = bargeIn
    }
}

/// A channel's playback queue: the segment playing (with its sample offset, paused or
/// not) and up to eight waiting, stored inline. Pure bookkeeping; the channel reads the
/// samples from the prompt table. Not thread-safe: owned by the media thread.
struct PromptQueue {
    static let capacity = 8
    private var pending: InlineArray<8, PromptSegment>
    private var head = 0
    private(set) var pendingCount = 0
    /// The segment playing (or paused), nil when idle.
    private(set) var current: PromptSegment?
    /// Next sample of `current` to play.
    var offsetSamples = 0
    var paused = false
    /// Whether the first frame of `current` has gone out, frames sent, and the RTP
    /// timestamps of its first and latest frame.
    var started = false
    var framesSent: Int32 = 0
    var firstTimestamp: UInt32 = 0
    var lastTimestamp: UInt32 = 0
    /// The segment played before `current` when `current` followed it in the same tick
    /// (its last samples are in the packet prepared then): a barge-in the pipeline decides
    /// before it reaches `current` interrupted this one.
    var previous: PromptSegment?
    /// The last segment ran out: the pipeline is told the prompt finished once the packet
    /// with its last samples has been through it (the next packet's preparation).
    var finishOwed = false
    /// Refused segments (queue full).
    private(set) var overflowCount = 0

    init() {
        pending = InlineArray(repeating: PromptSegment(prompt: 0, startSamples: 0, bargeIn: .off))
    }

    var isPlaying: Bool { current != nil && !paused }

    mutating func enqueue(_ segment: PromptSegment) -> Bool {
        guard pendingCount < Self.capacity else {
            overflowCount += 1
            return false
        }
        pending[(head + pendingCount) % Self.capacity] = segment
        pendingCount += 1
        return true
    }

    /// Makes the next waiting segment current (when idle); returns it.
    mutating func startNextIfIdle() -> PromptSegment? {
        guard current == nil, pendingCount > 0 else { return nil }
        let next = pending[head]
        head = (head + 1) % Self.capacity
        pendingCount -= 1
        previous = nil
        current = next
        offsetSamples = Int(max(0, next.startSamples))
        paused = false
        started = false
        framesSent = 0
        return next
    }

    /// Ends the current segment (finished or stopped).
    mutating func endCurrent() {
        current = nil
        paused = false
        started = false
    }

    mutating func clearPending() {
        head = 0
        pendingCount = 0
    }
}

extension PromptQueue {
    /// Makes `segment` current at once (a prompt resumed after a false barge-in).
    mutating func resumeNow(_ segment: PromptSegment) {
        previous = nil
        current = segment
        offsetSamples = Int(max(0, segment.startSamples))
        paused = false
        started = false
        framesSent = 0
    }
}
