/// How a prompt may be interrupted (from the dialogue script, per prompt).
public enum BargeInPolicy: Sendable, Equatable {
    /// Never interrupted.
    case off
    /// Stopped in the same tick speech onset is confirmed.
    case immediate
    /// Stopped once the caller has spoken `minSpeechMs` or the recognizer has heard
    /// `minWords` words that are not backchannels, whichever comes first (nil: not used).
    case confirmed(minSpeechMs: Int?, minWords: Int?)
}

/// One prompt as the barge-in controller sees it: its length, policy, cue points (sentence
/// boundaries, resume points) and locked segments, all in ms from the prompt's start.
/// Stored inline (up to 16 cue points, 4 locked segments) so handing a plan to the media
/// thread never allocates.
public struct PromptPlan: Sendable, Equatable {
    public static let maxCuePoints = 16
    public static let maxLockedSegments = 4
    public var lengthMs: Int
    public var policy: BargeInPolicy
    private var cues: InlineArray<16, Int>
    public private(set) var cueCount: Int
    private var lockedStarts: InlineArray<4, Int>
    private var lockedEnds: InlineArray<4, Int>
    public private(set) var lockedCount: Int

    /// Cue points beyond 16 and locked segments beyond 4 are rejected.
    public init(lengthMs: Int, policy: BargeInPolicy, cuePointsMs: [Int] = [],
                lockedSegmentsMs: [Range<Int>] = []) throws(AudioError) {
        guard cuePointsMs.count <= Self.maxCuePoints, lockedSegmentsMs.count <= Self.maxLockedSegments else {
            throw AudioError(.invalidConfiguration,
                             "at most \(Self.maxCuePoints) cue points and \(Self.maxLockedSegments) locked segments")
        }
        self.lengthMs = lengthMs
        self.policy = policy
        cues = InlineArray(repeating: 0)
        lockedStarts = InlineArray(repeating: 0)
        lockedEnds = InlineArray(repeating: 0)
        let sorted = cuePointsMs.sorted()
        for (i, c) in sorted.enumerated() { cues[i] = c }
        cueCount = sorted.count
        for (i, r) in lockedSegmentsMs.enumerated() {
            lockedStarts[i] = r.lowerBound
            lockedEnds[i] = r.upperBound
        }
        lockedCount = lockedSegmentsMs.count
    }

    public static func == (a: PromptPlan, b: PromptPlan) -> Bool {
        guard a.lengthMs == b.lengthMs, a.policy == b.policy, a.cueCount == b.cueCount,
              a.lockedCount == b.lockedCount else { return false }
        for i in 0..<a.cueCount where a.cues[i] != b.cues[i] { return false }
        for i in 0..<a.lockedCount where a.lockedStarts[i] != b.lockedStarts[i] || a.lockedEnds[i] != b.lockedEnds[i] {
            return false
        }
        return true
    }

    /// Whether the prompt position lies inside a locked segment.
    public func isLocked(atMs positionMs: Int) -> Bool {
        for i in 0..<lockedCount where positionMs >= lockedStarts[i] && positionMs < lockedEnds[i] { return true }
        return false
    }

    /// Where to resume after a false barge-in at `positionMs`: the last cue point at or before
    /// it (0 when none).
    public func resumePoint(forMs positionMs: Int) -> Int {
        var best = 0
        for i in 0..<cueCount where cues[i] <= positionMs { best = cues[i] }
        return best
    }
}
