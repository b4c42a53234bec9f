import ParleyYAML

/// A prompt: one recording or a concatenation of recordings and spoken variables,
/// possibly in A/B variants, with its barge-in policy and locked segment.
public struct DialoguePrompt: Sendable, Equatable {
    public var name: String
    /// At least one variant; a prompt without `variants:` has a single variant "default".
    public var variants: [DialoguePromptVariant]
    public var bargeIn: DialogueBargeInPolicy
    /// Locked segments between cue points: the caller cannot interrupt inside them.
    public var locked: [DialogueLockedSegment]
    public var mark: YAMLMark
}

/// One A/B variant of a prompt.
public struct DialoguePromptVariant: Sendable, Equatable {
    public var name: String
    public var weight: Int
    public var segments: [DialoguePromptSegment]
    /// The transcript (`text:`), with `{variable}` placeholders.
    public var text: String
    public var mark: YAMLMark
    /// Where the transcript is written (nil when inherited or absent).
    public var textMark: YAMLMark? = nil

    /// A structural signature: variants of one prompt should agree on it.
    public var structure: String {
        segments.map { seg in
            switch seg.kind {
            case .file: return "file"
            case .say(let v, let f): return "say(\(v),\(f.rawValue))"
            }
        }.joined(separator: "+")
    }
}

/// A piece of a prompt.
public struct DialoguePromptSegment: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A recording, relative to the prompt directory.
        case file(String)
        /// A variable spoken from segment recordings.
        case say(variable: String, format: DialogueSayFormat)
    }

    public var kind: Kind
    public var mark: YAMLMark
}

/// How a variable is spoken from segment recordings under `<prompt_dir>/say/`.
public enum DialogueSayFormat: String, Sendable, Equatable, CaseIterable {
    /// Digit by digit: `say/digit-4.wav`.
    case digits
    /// As a number in words: `say/twenty.wav`, `say/five.wav` (English), digit by digit otherwise.
    case number
    /// A recorded name: `names/<lowercased value>.wav`.
    case name
    /// A money amount ("12.50"): English `say/<word>.wav` for the whole units, then
    /// `say/dollar(s).wav`, and `say/and.wav` + the cents in words + `say/cent(s).wav`;
    /// other languages: the whole units digit by digit, `say/point.wav`, the fraction's digits.
    case amount
    /// A date ("2026-11-23", ISO 8601): `say/month-11.wav` then `say/day-23.wav` — the
    /// month name and the ordinal day, recorded in the script's language.
    case date
}

/// A locked stretch of a prompt, between two cue points (ms from the prompt's start).
public struct DialogueLockedSegment: Sendable, Equatable {
    public var fromMs: Int
    public var toMs: Int

    public init(fromMs: Int, toMs: Int) {
        self.fromMs = fromMs
        self.toMs = toMs
    }

    public var durationMs: Int { toMs - fromMs }
}

/// Whether and how the caller can interrupt a prompt.
public enum DialogueBargeInPolicy: Sendable, Equatable {
    /// The prompt always plays to the end.
    case off
    /// Any detected speech stops the prompt.
    case immediate
    /// Speech stops the prompt once it lasted `minSpeechMs` and produced `minWords` words.
    case confirmed(minSpeechMs: Int, minWords: Int)

    public var name: String {
        switch self {
        case .off: return "off"
        case .immediate: return "immediate"
        case .confirmed: return "confirmed"
        }
    }
}
