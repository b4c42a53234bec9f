/// One keypress can reach Parley three ways: in-band tones (`DTMFToneDetector`), RFC 4733
/// telephone-events in RTP, and SIP INFO. A pure state machine that passes each keypress on
/// once: a digit is a duplicate when the same digit was accepted from another source within
/// `windowMs` (INFO travels through signalling and lags). Repeats from the same source
/// ("5", "5") are real keypresses and pass. Keeps a fixed history of 4 digits.
public struct DTMFDeduplicator: Sendable {
    public enum Source: Sendable, Equatable { case inBand, rfc4733, sipInfo }

    public enum Event: Sendable, Equatable {
        case digit(Character, source: Source, atMs: Int)
    }

    public enum Action: Sendable, Equatable {
        case accept(Character, source: Source, atMs: Int)
        case duplicate(Character, source: Source, atMs: Int)
    }

    public let windowMs: Int
    private var digits: InlineArray<4, Character>
    private var sources: InlineArray<4, Source>
    private var times: InlineArray<4, Int>
    private var count = 0
    private var next = 0

    public init(windowMs: Int = 600) {
        self.windowMs = windowMs
        digits = InlineArray(repeating: " ")
        sources = InlineArray(repeating: .inBand)
        times = InlineArray(repeating: 0)
    }

    public mutating func handle(_ event: Event) -> FixedList<Action> {
        var actions = FixedList<Action>()
        switch event {
        case let .digit(digit, source, atMs):
            for i in 0..<count where digits[i] == digit && sources[i] != source && abs(atMs - times[i]) <= windowMs {
                actions.append(.duplicate(digit, source: source, atMs: atMs))
                return actions
            }
            digits[next] = digit
            sources[next] = source
            times[next] = atMs
            next = (next + 1) % 4
            count = min(count + 1, 4)
            actions.append(.accept(digit, source: source, atMs: atMs))
        }
        return actions
    }
}
