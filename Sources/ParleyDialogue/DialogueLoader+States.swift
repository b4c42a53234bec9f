import ParleyYAML

extension DialogueLoader {
    static let stateKeys = ["play", "resume", "do", "on", "no_match", "no_input", "slot", "timeout_ms", "next",
                            "hangup", "transfer", "disposition", "description"]
    static let triggerKeys = ["intent", "dtmf", "emotion", "asr_error", "caller_hangup", "slot_filled", "webhook_result", "ok"]
    static let bodyKeys = ["play", "do", "tag", "set"]
    static let targetKeys = ["goto", "hangup", "transfer", "disposition", "repeat", "return", "stay"]

    enum TargetSet { case all, noReturn }

    mutating func loadStates(_ node: YAMLNode) -> [DialogueState] {
        var out: [DialogueState] = []
        guard let pairs = attempt({ try node.mapping() }) else { return out }
        out.reserveCapacity(pairs.count)
        for pair in pairs {
            if let s = loadState(pair.name, pair.value, keyMark: pair.key.mark) { out.append(s) }
        }
        return out
    }

    mutating func loadState(_ name: String, _ node: YAMLNode, keyMark: YAMLMark) -> DialogueState? {
        guard let r = reader(node, Self.stateKeys, "state '\(name)'") else { return nil }
        var state = DialogueState(name: name, play: [], resume: [], onEnter: [], transitions: [], noMatch: nil,
                                  noInput: nil, slot: nil, noInputTimeoutMs: nil, exit: nil, mark: keyMark)
        if let n = r["play"] { state.play = promptRefs(n) }
        if let n = r["resume"] { state.resume = promptRefs(n) }
        if let n = r["do"] { state.onEnter = loadActions(n) }
        if let n = r["on"] { state.transitions = loadTransitionList(n, "transition of state '\(name)'", allowedTargets: .noReturn) }
        if let n = r["no_match"] { state.noMatch = loadEscalation(n, "no_match of state '\(name)'") }
        if let n = r["no_input"] { state.noInput = loadEscalation(n, "no_input of state '\(name)'") }
        if let n = r["slot"] { state.slot = loadSlot(n, state: name) }
        if let n = r["timeout_ms"] {
            state.noInputTimeoutMs = attempt { try n.int() }
            if let t = state.noInputTimeoutMs, t <= 0 { report(.error, .invalidValue, "timeout_ms must be positive", at: n.mark) }
        }
        // How a state that does not listen ends: `next`, `hangup` or `transfer`.
        var exits: [(String, DialogueTarget, YAMLMark)] = []
        if let n = r["next"], let s = attempt({ try n.string() }) { exits.append(("next", .goto(s), n.mark)) }
        if let n = r["hangup"], let t = hangupTarget(n, disposition: r["disposition"]) { exits.append(("hangup", t, n.mark)) }
        if let n = r["transfer"], let t = transferTarget(n, disposition: r["disposition"]) { exits.append(("transfer", t, n.mark)) }
        if exits.count > 1 {
            report(.error, .invalidValue, "state '\(name)' has more than one of next, hangup, transfer", at: exits[1].2)
        }
        if let first = exits.first {
            state.exit = DialogueStateExit(target: first.1, mark: first.2)
            if state.listens {
                report(.error, .invalidValue, "state '\(name)' listens ('on'/'slot') and also has '\(first.0)'; use a transition instead", at: first.2)
            }
        }
        if r["disposition"] != nil && r["hangup"] == nil && r["transfer"] == nil {
            report(.error, .invalidValue, "'disposition' needs 'hangup' or 'transfer' in state '\(name)'", at: r.keyMark("disposition") ?? keyMark)
        }
        return state
    }

    func promptRefs(_ node: YAMLNode) -> [DialoguePromptRef] {
        if case .sequence(let items) = node.content {
            return items.compactMap { item in (try? item.string()).map { DialoguePromptRef(name: $0, mark: item.mark) } }
        }
        return (try? node.string()).map { [DialoguePromptRef(name: $0, mark: node.mark)] } ?? []
    }

    mutating func loadEscalation(_ node: YAMLNode, _ context: String) -> DialogueEscalation? {
        guard let r = reader(node, ["reprompts", "then"], context) else { return nil }
        var e = DialogueEscalation(reprompts: [], then: nil, mark: node.mark)
        if let n = r["reprompts"] { e.reprompts = promptRefs(n) }
        if let n = r["then"], let tr = reader(n, Self.bodyKeys + Self.targetKeys, "'then' of \(context)") {
            e.then = loadTransitionBody(tr, trigger: .automatic, allowedTargets: .noReturn, defaultTarget: nil, context: context)
        }
        if e.reprompts.isEmpty && e.then == nil {
            report(.error, .missingKey, "\(context) needs 'reprompts' or 'then'", at: node.mark)
        }
        return e
    }

    mutating func loadSlot(_ node: YAMLNode, state: String) -> DialogueSlot? {
        guard let r = reader(node, ["name", "type", "min_length", "max_length", "length", "pattern"], "slot of state '\(state)'") else { return nil }
        guard let name = attempt({ try r.require("name", context: "slot of state '\(state)'").string() }) else { return nil }
        var slot = DialogueSlot(variable: name, kind: .digits, minLength: 1, maxLength: 32, pattern: nil, mark: node.mark)
        if let t = r["type"], let raw = attempt({ try t.string() }) {
            if let k = DialogueSlot.Kind(rawValue: raw) { slot.kind = k } else {
                let names = DialogueSlot.Kind.allCases.map(\.rawValue)
                report(.error, .invalidValue, "slot type must be one of \(names.joined(separator: ", ")), not '\(raw)'\(suggest(raw, names))", at: t.mark)
            }
        }
        if let n = r["length"], let v = attempt({ try n.int() }) { slot.minLength = v; slot.maxLength = v }
        if let n = r["min_length"], let v = attempt({ try n.int() }) { slot.minLength = v }
        if let n = r["max_length"], let v = attempt({ try n.int() }) { slot.maxLength = v }
        if slot.minLength > slot.maxLength {
            report(.error, .invalidValue, "slot min_length \(slot.minLength) exceeds max_length \(slot.maxLength)", at: node.mark)
        }
        if let n = r["pattern"] { slot.pattern = attempt { try n.string() } }
        return slot
    }

    mutating func loadTransitionList(_ node: YAMLNode, _ context: String, allowedTargets: TargetSet,
                                     defaultTarget: DialogueTarget? = nil) -> [DialogueTransition] {
        var out: [DialogueTransition] = []
        guard let items = attempt({ try node.sequence() }) else { return out }
        for item in items {
            guard let r = reader(item, Self.triggerKeys + Self.bodyKeys + Self.targetKeys, context) else { continue }
            guard let trigger = loadTrigger(r, context: context) else { continue }
            if let t = loadTransitionBody(r, trigger: trigger, allowedTargets: allowedTargets, defaultTarget: defaultTarget, context: context) {
                out.append(t)
            }
        }
        return out
    }

    mutating func loadTrigger(_ r: YAMLMappingReader, context: String) -> DialogueTrigger? {
        var found: [DialogueTrigger] = []
        if let n = r["intent"], let v = attempt({ try n.string() }) { found.append(.intent(v)) }
        if let n = r["dtmf"], let v = attempt({ try n.string() }) {
            if v.isEmpty || !v.allSatisfy({ "0123456789*#ABCD".contains($0) }) {
                report(.error, .invalidValue, "dtmf must be digits 0-9, *, # or A-D, not '\(v)'", at: n.mark)
            }
            found.append(.dtmf(v))
        }
        if let n = r["emotion"], let v = attempt({ try n.string() }) { found.append(.emotion(v)) }
        if let n = r["asr_error"], attempt({ try n.bool() }) == true { found.append(.asrError) }
        if let n = r["caller_hangup"], attempt({ try n.bool() }) == true { found.append(.callerHangUp) }
        if let n = r["slot_filled"], attempt({ try n.bool() }) == true { found.append(.slotFilled) }
        if let n = r["webhook_result"], let v = attempt({ try n.string() }) {
            var ok = true
            if let o = r["ok"] { ok = attempt { try o.bool() } ?? true }
            found.append(.webhookResult(name: v, succeeded: ok))
        } else if let o = r.keyMark("ok") {
            report(.error, .invalidValue, "'ok' needs 'webhook_result'", at: o)
        }
        if found.count > 1 {
            report(.error, .invalidValue, "a \(context) has more than one trigger", at: r.node.mark)
        }
        if found.isEmpty {
            report(.error, .missingKey,
                   "a \(context) needs a trigger (intent, dtmf, emotion, asr_error, caller_hangup, slot_filled or webhook_result)",
                   at: r.node.mark)
        }
        return found.first
    }

    mutating func loadTransitionBody(_ r: YAMLMappingReader, trigger: DialogueTrigger, allowedTargets: TargetSet,
                                     defaultTarget: DialogueTarget?, context: String) -> DialogueTransition? {
        var t = DialogueTransition(trigger: trigger, actions: [], play: [], target: .stay, mark: r.node.mark)
        if let n = r["play"] { t.play = promptRefs(n) }
        if let n = r["do"] { t.actions = loadActions(n) }
        if let n = r["tag"], let tags = attempt({ try n.stringList() }) {
            t.actions += tags.map { .addTag($0, mark: n.mark) }
        }
        if let n = r["set"] { t.actions += loadSet(n) }
        var targets: [(String, DialogueTarget)] = []
        if let n = r["goto"], let s = attempt({ try n.string() }) { targets.append(("goto", .goto(s))) }
        if let n = r["hangup"], let h = hangupTarget(n, disposition: r["disposition"]) { targets.append(("hangup", h)) }
        if let n = r["transfer"], let h = transferTarget(n, disposition: r["disposition"]) { targets.append(("transfer", h)) }
        if let n = r["repeat"], attempt({ try n.bool() }) == true { targets.append(("repeat", .repeatState)) }
        if let n = r["stay"], attempt({ try n.bool() }) == true { targets.append(("stay", .stay)) }
        if let n = r["return"], attempt({ try n.bool() }) == true {
            if allowedTargets == .noReturn {
                report(.error, .invalidValue, "'return' only applies to global handlers and side questions", at: n.mark)
            } else { targets.append(("return", .returnToState)) }
        }
        if trigger == .callerHangUp {
            // The caller is gone: only actions and a disposition apply.
            if targets.isEmpty, let d = r["disposition"] { targets.append(("hangup", .hangUp(disposition: try? d.string()))) }
            if targets.isEmpty { targets.append(("hangup", .hangUp(disposition: nil))) }
        }
        if r["disposition"] != nil && r["hangup"] == nil && r["transfer"] == nil && trigger != .callerHangUp {
            report(.error, .invalidValue, "'disposition' needs 'hangup' or 'transfer'", at: r.keyMark("disposition") ?? r.node.mark)
        }
        if targets.count > 1 {
            report(.error, .invalidValue, "a \(context) has more than one target (\(targets.map(\.0).joined(separator: ", ")))", at: r.node.mark)
        }
        if let first = targets.first { t.target = first.1 } else if let defaultTarget { t.target = defaultTarget } else if t.play.isEmpty {
            report(.error, .missingKey, "a \(context) needs a target (goto, hangup, transfer, repeat or stay)", at: r.node.mark)
        }
        return t
    }

    func hangupTarget(_ node: YAMLNode, disposition: YAMLNode?) -> DialogueTarget? {
        if let b = try? node.bool() {
            return b ? .hangUp(disposition: disposition.flatMap { try? $0.string() }) : nil
        }
        return .hangUp(disposition: (try? node.string()) ?? disposition.flatMap { try? $0.string() })
    }

    mutating func transferTarget(_ node: YAMLNode, disposition: YAMLNode?) -> DialogueTarget? {
        if case .mapping = node.content, let r = reader(node, ["uri", "disposition"], "transfer") {
            guard let uri = attempt({ try r.require("uri", context: "transfer").string() }) else { return nil }
            checkTransferURI(uri, at: r["uri"]?.mark ?? node.mark)
            return .transfer(uri: uri, disposition: (r["disposition"] ?? disposition).flatMap { try? $0.string() })
        }
        guard let uri = attempt({ try node.string() }) else { return nil }
        checkTransferURI(uri, at: node.mark)
        return .transfer(uri: uri, disposition: disposition.flatMap { try? $0.string() })
    }

    mutating func checkTransferURI(_ uri: String, at mark: YAMLMark) {
        if !uri.hasPrefix("sip:") && !uri.hasPrefix("sips:") && !uri.hasPrefix("tel:") {
            report(.error, .invalidValue, "transfer target must be a sip:, sips: or tel: URI, not '\(uri)'", at: mark)
        }
    }

    mutating func loadActions(_ node: YAMLNode) -> [DialogueScriptAction] {
        var out: [DialogueScriptAction] = []
        guard let items = attempt({ try node.sequence() }) else { return out }
        for item in items {
            guard let r = reader(item, ["tag", "set", "webhook", "payload"], "an action") else { continue }
            if let n = r["tag"], let tags = attempt({ try n.stringList() }) { out += tags.map { .addTag($0, mark: n.mark) } }
            if let n = r["set"] { out += loadSet(n) }
            if let n = r["webhook"], let name = attempt({ try n.string() }) {
                var payload: [(String, String)] = []
                if let p = r["payload"], let pairs = attempt({ try p.mapping() }) {
                    for pair in pairs { if let v = attempt({ try pair.value.string() }) { payload.append((pair.name, v)) } }
                }
                out.append(.webhook(name: name, payload: payload, mark: n.mark))
            } else if let p = r.keyMark("payload") {
                report(.error, .invalidValue, "'payload' needs 'webhook'", at: p)
            }
            if r.pairs.isEmpty { report(.error, .missingKey, "an action needs tag, set or webhook", at: item.mark) }
        }
        return out
    }

    mutating func loadSet(_ node: YAMLNode) -> [DialogueScriptAction] {
        guard let pairs = attempt({ try node.mapping() }) else { return [] }
        return pairs.compactMap { pair in
            attempt({ try pair.value.string() }).map { .setVariable(name: pair.name, template: $0, mark: pair.key.mark) }
        }
    }
}
