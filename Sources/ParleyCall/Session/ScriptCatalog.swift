import Foundation
import ParleyDialogue
import ParleyMedia
import ParleySpeech
import Synchronization

/// The dialogue scripts a daemon serves, each with what a call on it needs ready: the
/// shared script, its prompt recordings decoded once into a `PromptTable`, the intent
/// resolver trained on its examples and the recognizer's intent definitions.
///
/// Loading is all or nothing: a (re)load where any script fails lint or has an
/// unreadable recording changes nothing, and the scripts already installed keep serving.
/// Calls in progress keep the entry they started with.
public final class ScriptCatalog: Sendable {
    public struct Entry: Sendable {
        public let path: String
        public let shared: DialogueScriptBox
        public var script: DialogueScript { shared.script }
        public let prompts: PromptTable
        /// Standardized recording path → index in `prompts`.
        let promptIndex: [String: UInt16]
        public let resolver: ScriptIntentResolver
        /// Per script intent: what the recognizer's grammar is built from.
        let intentDefinitions: [String: IntentDefinition]
        /// Increases by one each time this path is (re)installed.
        public let generation: Int

        func promptIndex(of file: String) -> UInt16? {
            promptIndex[ScriptCatalog.standardized(file)]
        }
    }

    /// A reason a script was refused, located in its file (1-based line and column).
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(file):\(line):\(column): error: \(message)" }
    }

    let sampleRateHz: Int
    let general: [LabeledExample]
    private let entries = Mutex<[String: Entry]>([:])

    /// - Parameter general: general labelled examples the resolvers also learn from.
    public init(sampleRateHz: Int = 8000, general: [LabeledExample] = []) {
        self.sampleRateHz = sampleRateHz
        self.general = general
    }

    /// Loads every script in `paths`; installs them only when all load cleanly.
    @discardableResult
    public func load(paths: [String]) -> Result<[Entry], ProblemList> {
        var loaded: [Entry] = []
        var problems: [Problem] = []
        let current = entries.withLock { $0 }
        for path in paths {
            switch Self.prepare(path: path, sampleRateHz: sampleRateHz, general: general,
                                generation: (current[path]?.generation ?? 0) + 1) {
            case .success(let entry): loaded.append(entry)
            case .failure(let list): problems += list.problems
            }
        }
        guard problems.isEmpty else { return .failure(ProblemList(problems: problems)) }
        entries.withLock { table in
            for entry in loaded { table[entry.path] = entry }
        }
        return .success(loaded)
    }

    /// The current entry for a script path.
    public func entry(path: String) -> Entry? { entries.withLock { $0[path] } }

    public var paths: [String] { entries.withLock { $0.keys.sorted() } }

    public struct ProblemList: Error, Sendable {
        public var problems: [Problem]
    }

    static func prepare(path: String, sampleRateHz: Int, general: [LabeledExample],
                        generation: Int) -> Result<Entry, ProblemList> {
        let result = DialogueLinter().check(path: path)
        let errors = result.diagnostics.filter { $0.severity == .error }
        guard let script = result.script, errors.isEmpty else {
            let problems = errors.isEmpty
                ? [Problem(file: path, line: 1, column: 1, message: "the script could not be loaded")]
                : errors.map { Problem(file: $0.mark.path, line: $0.mark.line, column: $0.mark.column, message: $0.message) }
            return .failure(ProblemList(problems: problems))
        }
        let files = recordings(under: script.promptDirectory)
        let table: PromptTable
        do {
            table = try PromptTable.load(paths: files, sampleRateHz: sampleRateHz)
        } catch {
            return .failure(ProblemList(problems: [Problem(file: path, line: script.mark.line, column: script.mark.column,
                                                           message: "prompt recordings: \(error)")]))
        }
        var index: [String: UInt16] = [:]
        for (i, file) in files.enumerated() { index[standardized(file)] = UInt16(i) }
        var intents: [String: IntentDefinition] = [:]
        for intent in script.intents {
            intents[intent.name] = IntentDefinition(name: intent.name, examples: intent.examples + intent.keywords,
                                                    language: script.language)
        }
        if Self.listensForEmotion(script), script.language.lowercased().hasPrefix("en") {
            // No intent of its own (an empty name): the text goes to the emotion estimator.
            intents[Self.emotionCues] = IntentDefinition(name: Self.emotionCues, examples: EmotionEstimator.spokenAngerPhrases,
                                                          language: script.language)
        }
        let entry = Entry(path: path, shared: DialogueScriptBox(script), prompts: table, promptIndex: index,
                          resolver: ScriptIntentResolver(script: script, general: general),
                          intentDefinitions: intents, generation: generation)
        return .success(entry)
    }

    /// The recognizer hints' entry for the phrases of anger (see `EmotionEstimator`).
    static let emotionCues = ""

    /// Whether any handler of `script` is triggered by an emotion.
    static func listensForEmotion(_ script: DialogueScript) -> Bool {
        let isEmotion: (DialogueTransition) -> Bool = { if case .emotion = $0.trigger { return true } else { return false } }
        return script.globalHandlers.contains(where: isEmotion) || script.sideQuestions.contains(where: isEmotion)
            || script.states.contains { $0.transitions.contains(where: isEmotion) }
    }

    /// Every recording (WAV, FLAC, OGG) under `directory`, sorted.
    static func recordings(under directory: String) -> [String] {
        let extensions: Set<String> = ["wav", "flac", "ogg"]
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let ext = (relative as NSString).pathExtension.lowercased()
            if extensions.contains(ext) { files.append((directory as NSString).appendingPathComponent(relative)) }
        }
        return files.sorted()
    }

    static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
