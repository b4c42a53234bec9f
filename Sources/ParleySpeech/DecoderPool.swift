import Synchronization

/// Decoders are heavy (tens of MB each: acoustic model, dictionary, optionally the LM),
/// so they are leased per utterance, not per call. The pool creates decoders on demand
/// up to `maximumDecoders` and keeps returned ones for reuse.
final class DecoderPool: Sendable {
    struct Counters: Sendable, Hashable {
        var created: Int
        var idle: Int
        var leased: Int
    }

    private struct State {
        var idle: [PocketSphinxDecoder] = []
        var created = 0
        var leased = 0
    }

    let model: SpeechModelPaths
    let kind: PocketSphinxDecoder.Kind
    let maximumDecoders: Int
    /// Grammar decoders carry a phone loop (see PocketSphinxDecoder).
    let withPhoneLoop: Bool
    private let state = Mutex(State())

    init(model: SpeechModelPaths, kind: PocketSphinxDecoder.Kind, maximumDecoders: Int, withPhoneLoop: Bool = false) {
        self.model = model
        self.kind = kind
        self.maximumDecoders = maximumDecoders
        self.withPhoneLoop = withPhoneLoop
    }

    /// Creates `count` decoders ahead of the first utterances (model loading is slow).
    func prewarm(_ count: Int) throws(SpeechError) {
        var made: [PocketSphinxDecoder] = []
        for _ in 0..<min(count, maximumDecoders) { made.append(try PocketSphinxDecoder(model: model, kind: kind, withPhoneLoop: withPhoneLoop)) }
        let fresh = made
        state.withLock { state in
            state.idle.append(contentsOf: fresh)
            state.created += fresh.count
        }
    }

    /// An idle decoder, or nil when a new one may be created: the slot is then counted as
    /// leased, and `create` loads the decoder (slow) on whatever thread should pay for it.
    func reserve() throws(SpeechError) -> PocketSphinxDecoder? {
        enum Outcome { case reuse(PocketSphinxDecoder), create, exhausted }
        let outcome: Outcome = state.withLock { state in
            if let decoder = state.idle.popLast() {
                state.leased += 1
                return .reuse(decoder)
            }
            if state.created < maximumDecoders {
                state.created += 1
                state.leased += 1
                return .create
            }
            return .exhausted
        }
        switch outcome {
        case .reuse(let decoder): return decoder
        case .create: return nil
        case .exhausted: throw SpeechError(.poolExhausted, "all \(maximumDecoders) \(kind.rawValue) decoders are leased")
        }
    }

    /// Loads the decoder for a slot `reserve` granted; on failure the slot is released.
    func create() throws(SpeechError) -> PocketSphinxDecoder {
        do {
            return try PocketSphinxDecoder(model: model, kind: kind, withPhoneLoop: withPhoneLoop)
        } catch {
            state.withLock { state in
                state.created -= 1
                state.leased -= 1
            }
            throw error
        }
    }

    /// Gives back a slot `reserve` granted whose decoder was never created.
    func releaseReservation() {
        state.withLock { state in
            state.created -= 1
            state.leased -= 1
        }
    }

    /// Returns a leased decoder. A decoder that failed mid-utterance is dropped instead.
    func giveBack(_ decoder: PocketSphinxDecoder, healthy: Bool = true) {
        state.withLock { state in
            state.leased -= 1
            if healthy { state.idle.append(decoder) } else { state.created -= 1 }
        }
    }

    var counters: Counters {
        state.withLock { Counters(created: $0.created, idle: $0.idle.count, leased: $0.leased) }
    }
}
