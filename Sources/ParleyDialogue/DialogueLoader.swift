import Foundation
import ParleyYAML

/// The outcome of loading a script: the model (nil when the file could not be read or
/// parsed at all) and every diagnostic found while building it.
public struct DialogueLoadResult: Sendable {
    public var script: DialogueScript?
    public var diagnostics: [DialogueDiagnostic]
}

/// YAML → `DialogueScript`. Structural problems (syntax, unknown or missing keys, wrong
/// types, bad values) become diagnostics; loading goes on past them so one run reports
/// as much as possible. Semantic checks live in `DialogueLinter`.
public struct DialogueLoader {
    static let topKeys = ["script", "version", "language", "description", "prompt_dir", "audio", "variables",
                          "defaults", "tags", "dispositions", "webhooks", "prompts", "intents", "global",
                          "side_questions", "start", "states"]

    var diagnostics: [DialogueDiagnostic] = []
    let path: String

    /// Loads the script file at `path`.
    public static func load(path: String) -> DialogueLoadResult {
        do throws(YAMLError) {
            let root = try YAMLLoader.load(path: path)
            return load(root: root, path: path)
        } catch {
            return DialogueLoadResult(script: nil, diagnostics: [DialogueDiagnostic(error)])
        }
    }

    /// Loads a script from text; `path` names it in marks and anchors `prompt_dir`.
    public static func load(text: String, path: String) -> DialogueLoadResult {
        do throws(YAMLError) {
            let root = try YAMLLoader.parse(text, path: path)
            return load(root: root, path: path)
        } catch {
            return DialogueLoadResult(script: nil, diagnostics: [DialogueDiagnostic(error)])
        }
    }

    /// Loads a script from an already parsed YAML tree.
    public static func load(root: YAMLNode, path: String) -> DialogueLoadResult {
        var loader = DialogueLoader(path: path)
        let script = loader.build(root)
        return DialogueLoadResult(script: script, diagnostics: loader.diagnostics)
    }

    init(path: String) { self.path = path }

    mutating func report(_ error: YAMLError) { diagnostics.append(DialogueDiagnostic(error)) }

    mutating func report(_ severity: DialogueDiagnostic.Severity, _ rule: DialogueLintRule, _ message: String, at mark: YAMLMark) {
        diagnostics.append(DialogueDiagnostic(severity, rule, message, at: mark))
    }

    /// Opens a mapping, reporting its unknown keys; nil (reported) when not a mapping.
    mutating func reader(_ node: YAMLNode, _ keys: [String], _ context: String) -> YAMLMappingReader? {
        do throws(YAMLError) {
            let r = try YAMLMappingReader(node, allowedKeys: keys, context: context)
            r.unknownKeyErrors.forEach { report($0) }
            return r
        } catch {
            report(error)
            return nil
        }
    }

    /// Runs `body`, turning a thrown YAML error into a diagnostic.
    mutating func attempt<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch let error as YAMLError {
            report(error)
            return nil
        } catch {
            return nil
        }
    }

    mutating func build(_ root: YAMLNode) -> DialogueScript? {
        guard let top = reader(root, Self.topKeys, "the script") else { return nil }
        var script = DialogueScript(name: "", path: path, mark: root.mark)
        if let n = top["script"] { script.name = attempt { try n.string() } ?? "" } else {
            report(.error, .missingKey, "missing key 'script' (the script's name)", at: root.mark)
        }
        if let n = top["version"] { script.version = attempt { try n.string() } ?? "1" }
        if let n = top["language"] { script.language = attempt { try n.string() } ?? "en" }
        let folder = (path as NSString).deletingLastPathComponent
        var promptDir = "prompts"
        if let n = top["prompt_dir"] { promptDir = attempt { try n.string() } ?? promptDir }
        script.promptDirectory = promptDir.hasPrefix("/") ? promptDir
            : (folder.isEmpty ? promptDir : (folder as NSString).appendingPathComponent(promptDir))
        if let n = top["audio"], let r = reader(n, ["sample_rate"], "audio") {
            if let v = r["sample_rate"] { script.sampleRateHz = attempt { try v.int() } ?? 8000 }
        }
        if let n = top["variables"] { script.variables = loadVariables(n) }
        if let n = top["defaults"] { script.defaults = loadDefaults(n) }
        if let n = top["tags"] { script.tags = loadDeclarations(n, "tag") }
        if let n = top["dispositions"] { script.dispositions = loadDeclarations(n, "disposition") }
        if let n = top["webhooks"] { script.webhooks = loadWebhooks(n) }
        if let n = top["prompts"] { script.prompts = loadPrompts(n) }
        if let n = top["intents"] { script.intents = loadIntents(n) }
        if let n = top["global"] { script.globalHandlers = loadTransitionList(n, "global handler", allowedTargets: .all) }
        if let n = top["side_questions"] {
            script.sideQuestions = loadTransitionList(n, "side question", allowedTargets: .all, defaultTarget: .returnToState)
        }
        if let n = top["states"] { script.states = loadStates(n) } else {
            report(.error, .missingKey, "missing key 'states'", at: root.mark)
        }
        script.reindex()
        if let n = top["start"], let name = attempt({ try n.string() }) {
            if let i = script.indexOfState(name) { script.startIndex = i } else {
                report(.error, .undefinedState, "start state '\(name)' is not defined\(suggest(name, script.states.map(\.name)))", at: n.mark)
            }
        }
        return script
    }

    /// "; did you mean 'x'?" or "".
    func suggest(_ name: String, _ candidates: [String]) -> String {
        YAMLMappingReader.suggestion(for: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    mutating func loadVariables(_ node: YAMLNode) -> [DialogueVariable] {
        var out: [DialogueVariable] = []
        if case .sequence(let items) = node.content {
            for item in items {
                if let name = attempt({ try item.string() }) {
                    out.append(DialogueVariable(name: name, required: true, example: nil, mark: item.mark))
                }
            }
            return out
        }
        guard let pairs = attempt({ try node.mapping() }) else { return out }
        for pair in pairs {
            var v = DialogueVariable(name: pair.name, required: true, example: nil, mark: pair.key.mark)
            if !pair.value.isNull, let r = reader(pair.value, ["required", "example", "description"], "variable '\(pair.name)'") {
                if let n = r["required"] { v.required = attempt { try n.bool() } ?? true }
                if let n = r["example"] { v.example = attempt { try n.string() } }
            }
            out.append(v)
        }
        return out
    }

    mutating func loadDefaults(_ node: YAMLNode) -> DialogueDefaults {
        var d = DialogueDefaults()
        guard let r = reader(node, ["no_input_timeout_ms", "min_confidence", "min_examples", "hangup_disposition",
                                    "no_match", "no_input"], "defaults") else { return d }
        if let n = r["no_input_timeout_ms"] {
            d.noInputTimeoutMs = attempt { try n.int() } ?? d.noInputTimeoutMs
            if d.noInputTimeoutMs <= 0 { report(.error, .invalidValue, "no_input_timeout_ms must be positive", at: n.mark) }
        }
        if let n = r["min_confidence"] {
            d.minConfidence = attempt { try n.double() } ?? d.minConfidence
            if !(0...1).contains(d.minConfidence) { report(.error, .invalidValue, "min_confidence must be between 0 and 1", at: n.mark) }
        }
        if let n = r["min_examples"] { d.minExamples = attempt { try n.int() } ?? d.minExamples }
        if let n = r["hangup_disposition"] {
            d.hangupDisposition = attempt { try n.string() }
            d.hangupDispositionMark = n.mark
        }
        if let n = r["no_match"] { d.noMatch = loadEscalation(n, "defaults no_match") }
        if let n = r["no_input"] { d.noInput = loadEscalation(n, "defaults no_input") }
        return d
    }

    mutating func loadDeclarations(_ node: YAMLNode, _ what: String) -> [DialogueDeclaration] {
        var out: [DialogueDeclaration] = []
        var seen: Set<String> = []
        if case .mapping(let pairs) = node.content {  // name: description
            for p in pairs { out.append(DialogueDeclaration(name: p.name, mark: p.key.mark)) }
            return out
        }
        guard let items = attempt({ try node.sequence() }) else { return out }
        for item in items {
            guard let name = attempt({ try item.string() }) else { continue }
            if !seen.insert(name).inserted {
                report(.error, .duplicateName, "\(what) '\(name)' is declared twice", at: item.mark)
            }
            out.append(DialogueDeclaration(name: name, mark: item.mark))
        }
        return out
    }

    mutating func loadWebhooks(_ node: YAMLNode) -> [DialogueWebhook] {
        var out: [DialogueWebhook] = []
        guard let pairs = attempt({ try node.mapping() }) else { return out }
        for pair in pairs {
            guard let r = reader(pair.value, ["url", "method", "description"], "webhook '\(pair.name)'") else { continue }
            var hook = DialogueWebhook(name: pair.name, url: "", method: "POST", mark: pair.key.mark)
            if let url = attempt({ try r.require("url", context: "webhook '\(pair.name)'").string() }) { hook.url = url }
            if let n = r["method"] { hook.method = attempt { try n.string() } ?? "POST" }
            out.append(hook)
        }
        return out
    }

    mutating func loadIntents(_ node: YAMLNode) -> [DialogueIntent] {
        var out: [DialogueIntent] = []
        guard let pairs = attempt({ try node.mapping() }) else { return out }
        for pair in pairs {
            var intent = DialogueIntent(name: pair.name, examples: [], keywords: [], patterns: [], mark: pair.key.mark)
            if case .sequence = pair.value.content {
                intent.examples = attempt { try pair.value.stringList() } ?? []
            } else if let r = reader(pair.value, ["examples", "keywords", "patterns", "description"], "intent '\(pair.name)'") {
                if let n = r["examples"] { intent.examples = attempt { try n.stringList() } ?? [] }
                if let n = r["keywords"] { intent.keywords = attempt { try n.stringList() } ?? [] }
                if let n = r["patterns"] {
                    intent.patterns = attempt { try n.stringList() } ?? []
                    for (i, p) in intent.patterns.enumerated() where (try? NSRegularExpression(pattern: p)) == nil {
                        let mark = (try? n.sequence())?[i].mark ?? n.mark
                        report(.error, .invalidPattern, "pattern '\(p)' is not a valid regular expression", at: mark)
                    }
                }
            }
            out.append(intent)
        }
        return out
    }
}
