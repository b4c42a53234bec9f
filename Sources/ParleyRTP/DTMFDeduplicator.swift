/// Joins RFC 4733 digits and SIP INFO digits into one stream. Peers often send the
/// same key press both ways; a digit from one source that matches an unmatched digit
/// from the other source within `windowMs` is the same press and is dropped. Two
/// presses of one key on the same source both count. Pure: times are passed in.
public struct DTMFDeduplicator: Equatable, Sendable {
    public enum Source: UInt8, Sendable, BitwiseCopyable { case rtp, sipInfo }

    struct Entry: Equatable, Sendable {
        var event: UInt8
        var source: Source
        var atMs: Int64
        var matched: Bool
    }

    public let windowMs: Int64
    var entries: [Entry]
    var next = 0
    public private(set) var duplicatesDropped: UInt64 = 0

    public init(windowMs: Int64 = 1000, history: Int = 16) {
        self.windowMs = windowMs
        entries = Array(repeating: Entry(event: 0, source: .rtp, atMs: .min, matched: true), count: max(1, history))
    }

    /// True when the digit should be delivered; false when it duplicates a press already delivered.
    public mutating func accept(event: UInt8, source: Source, atMs nowMs: Int64) -> Bool {
        var best = -1
        for i in entries.indices {
            let e = entries[i]
            guard !e.matched, e.event == event, e.source != source, e.atMs != .min,
                  abs(nowMs - e.atMs) <= windowMs else { continue }
            if best < 0 || e.atMs < entries[best].atMs { best = i }
        }
        if best >= 0 {
            entries[best].matched = true
            duplicatesDropped &+= 1
            return false
        }
        entries[next] = Entry(event: event, source: source, atMs: nowMs, matched: false)
        next = (next + 1) % entries.count
        return true
    }
}
