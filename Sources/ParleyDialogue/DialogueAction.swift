/// What the engine asks the call layer to do, in order.
public enum DialogueAction: Sendable, Equatable {
    /// Play these prompts back to back; report `promptFinished(playbackID:)` at the end.
    /// A new `play` replaces any playback still running.
    case play(DialoguePlayback)
    /// Stop the current playback (e.g. before hanging up during a prompt).
    case stopPlayback
    /// Listen for the caller: hand `intents`/`phrases` to the recognizer, accept DTMF.
    case listen(DialogueListenSpec)
    /// Stop listening.
    case stopListening
    case setVariable(name: String, value: String)
    case addTag(String)
    /// Call the named webhook with the rendered payload; answer with `webhookResult`.
    case webhook(name: String, url: String, method: String, payload: [String: String])
    /// Transfer the call; the disposition is recorded.
    case transfer(uri: String, disposition: String)
    /// Hang up with this disposition.
    case hangUp(disposition: String)
    /// The caller hung up; record this disposition (nothing to send).
    case callEnded(disposition: String)
    case startTimer(DialogueTimer, delayMs: Int)
    case cancelTimer(DialogueTimer)
    /// Trace: the engine entered this state.
    case enteredState(String)
    /// Trace: the engine followed this transition (coverage, logs).
    case followed(DialogueTransitionRef)
}

/// One playback: prompts resolved to recordings, with the A/B variant already chosen.
public struct DialoguePlayback: Sendable, Equatable {
    public var id: Int
    public var prompts: [DialogueResolvedPrompt]

    /// The transcripts joined, for text front ends.
    public var text: String { prompts.map(\.text).joined(separator: " ") }
}

/// A prompt ready to play.
public struct DialogueResolvedPrompt: Sendable, Equatable {
    public var name: String
    public var variant: String
    /// Recording paths (prompt directory joined), in order.
    public var files: [String]
    /// The transcript with variables filled in.
    public var text: String
    public var bargeIn: DialogueBargeInPolicy
    /// Stretches (ms from the prompt's start) the caller cannot interrupt, whatever `bargeIn` says.
    public var locked: [DialogueLockedSegment]
}

/// What the recognizer should listen for in the current state.
public struct DialogueListenSpec: Sendable, Equatable {
    /// Intents the state reacts to (its own, side questions, global handlers).
    public var intents: [String]
    /// Example phrases and keywords of those intents (for a grammar-based recognizer).
    public var phrases: [String]
    /// DTMF accepted (any transitions on DTMF or a digits slot).
    public var dtmf: Bool
    /// For a slot: expected digit count range.
    public var slot: DialogueSlot?
    public var noInputTimeoutMs: Int
}
