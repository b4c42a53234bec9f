import ParleyYAML

/// Conversation test cases (YAML) for `parley test`: caller turns and what must happen.
///
/// ```yaml
/// cases:
///   - name: accepts the coupon
///     variables: {name: Alice}
///     seed: call-1
///     webhooks: {send_coupon: false}
///     turns: [{say: yes please}, {dtmf: "1"}, silence, asr_error, hangup]
///     expect:
///       path: [greeting, offer, coupon_sent]
///       prompts: [greeting, offer, coupon_sent]
///       tags: [coupon_sent]
///       disposition: coupon_sent
///       variables: {last4: "1234"}
/// ```
public struct DialogueTestSuite: Sendable {
    public struct Case: Sendable {
        public var name: String
        public var variables: [String: String]
        public var seed: String
        public var webhookResults: [String: Bool]
        public var turns: [Turn]
        public var expectPath: [String]?
        public var expectPrompts: [String]?
        public var expectTags: [String]?
        public var expectDisposition: String?
        public var expectVariables: [String: String]
        public var mark: YAMLMark
    }

    public enum Turn: Sendable, Equatable {
        case say(String, emotion: String?)
        case dtmf(String)
        case silence
        case asrError
        case hangUp
    }

    public var cases: [Case]

    /// Loads a cases file; errors are positioned diagnostics.
    public static func load(path: String) -> (DialogueTestSuite?, [DialogueDiagnostic]) {
        do throws(YAMLError) {
            return (try parse(YAMLLoader.load(path: path)), [])
        } catch {
            return (nil, [DialogueDiagnostic(error)])
        }
    }

    public static func parse(_ root: YAMLNode) throws(YAMLError) -> DialogueTestSuite {
        let top = try YAMLMappingReader(root, allowedKeys: ["script", "cases"], context: "the test file")
        if let e = top.unknownKeyErrors.first { throw e }
        var cases: [Case] = []
        for node in try top.require("cases").sequence() {
            let r = try YAMLMappingReader(node, allowedKeys: ["name", "variables", "seed", "webhooks", "turns", "expect"], context: "a test case")
            if let e = r.unknownKeyErrors.first { throw e }
            let name = try r.require("name", context: "a test case").string()
            var c = Case(name: name, variables: [:], seed: name, webhookResults: [:], turns: [], expectPath: nil,
                         expectPrompts: nil, expectTags: nil, expectDisposition: nil, expectVariables: [:], mark: node.mark)
            if let v = r["variables"] { for p in try v.mapping() { c.variables[p.name] = try p.value.string() } }
            if let v = r["seed"] { c.seed = try v.string() }
            if let v = r["webhooks"] { for p in try v.mapping() { c.webhookResults[p.name] = try p.value.bool() } }
            if let v = r["turns"] { c.turns = try v.sequence().map(turn) }
            if let e = r["expect"] {
                let x = try YAMLMappingReader(e, allowedKeys: ["path", "prompts", "tags", "disposition", "variables"], context: "expect")
                if let err = x.unknownKeyErrors.first { throw err }
                if let v = x["path"] { c.expectPath = try v.stringList() }
                if let v = x["prompts"] { c.expectPrompts = try v.stringList() }
                if let v = x["tags"] { c.expectTags = v.isNull ? [] : try v.stringList() }
                if let v = x["disposition"] { c.expectDisposition = try v.string() }
                if let v = x["variables"] { for p in try v.mapping() { c.expectVariables[p.name] = try p.value.string() } }
            }
            cases.append(c)
        }
        return DialogueTestSuite(cases: cases)
    }

    static func turn(_ node: YAMLNode) throws(YAMLError) -> Turn {
        if case .scalar = node.content {
            switch try node.string() {
            case "silence": return .silence
            case "asr_error": return .asrError
            case "hangup": return .hangUp
            default: throw YAMLError(.invalidValue, "a turn is silence, asr_error, hangup, {say: …} or {dtmf: …}", at: node.mark)
            }
        }
        let r = try YAMLMappingReader(node, allowedKeys: ["say", "emotion", "dtmf"], context: "a turn")
        if let e = r.unknownKeyErrors.first { throw e }
        if let s = r["say"] { return .say(try s.string(), emotion: try r["emotion"]?.string()) }
        if let d = r["dtmf"] { return .dtmf(try d.string()) }
        throw YAMLError(.missingKey, "a turn needs 'say' or 'dtmf'", at: node.mark)
    }

    /// Runs every case against `script`.
    public func run(script: DialogueScript, resolver: any DialogueIntentResolving) -> DialogueTestReport {
        var report = DialogueTestReport(all: script.allTransitions, states: script.states.map(\.name))
        for c in cases {
            var conversation = DialogueConversation(script: script, seed: c.seed, resolver: resolver)
            conversation.webhookResults = c.webhookResults
            conversation.start(variables: c.variables)
            for turn in c.turns where !conversation.isFinished {
                switch turn {
                case .say(let text, let emotion): conversation.say(text, emotion: emotion)
                case .dtmf(let d): conversation.dtmf(d)
                case .silence: conversation.silence()
                case .asrError: conversation.asrError()
                case .hangUp: conversation.hangUp()
                }
            }
            let t = conversation.transcript
            var failures: [String] = []
            if let p = c.expectPath, p != t.path { failures.append("path: expected \(p), got \(t.path)") }
            let prompts = t.prompts.map(\.name)
            if let p = c.expectPrompts, p != prompts { failures.append("prompts: expected \(p), got \(prompts)") }
            if let x = c.expectTags, x != t.tags { failures.append("tags: expected \(x), got \(t.tags)") }
            if let d = c.expectDisposition, d != t.disposition { failures.append("disposition: expected \(d), got \(t.disposition ?? "none")") }
            for (k, v) in c.expectVariables.sorted(by: { $0.key < $1.key }) where t.variables[k] != v {
                failures.append("variable \(k): expected '\(v)', got '\(t.variables[k] ?? "unset")'")
            }
            report.results.append(.init(name: c.name, mark: c.mark, failures: failures, transcript: t))
            report.covered.formUnion(t.followed)
            report.visited.formUnion(t.path)
        }
        return report
    }
}

/// Results and coverage of a test run.
public struct DialogueTestReport: Sendable {
    public struct Result: Sendable {
        public var name: String
        public var mark: YAMLMark
        public var failures: [String]
        public var transcript: DialogueTranscript
        public var passed: Bool { failures.isEmpty }
    }

    public var all: [DialogueTransitionRef]
    public var states: [String]
    public var results: [Result] = []
    public var covered: Set<DialogueTransitionRef> = []
    public var visited: Set<String> = []

    public var passed: Bool { results.allSatisfy(\.passed) }
    public var coveredTransitions: [DialogueTransitionRef] { all.filter(covered.contains) }
    public var missedTransitions: [DialogueTransitionRef] { all.filter { !covered.contains($0) } }
    public var transitionCoverage: Double { all.isEmpty ? 1 : Double(coveredTransitions.count) / Double(all.count) }
    public var stateCoverage: Double { states.isEmpty ? 1 : Double(states.filter(visited.contains).count) / Double(states.count) }
}
