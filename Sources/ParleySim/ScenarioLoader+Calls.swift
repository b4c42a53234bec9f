import Foundation
import ParleyYAML

extension ScenarioLoader {
    mutating func scenario(_ root: YAMLNode, path: String) -> Scenario? {
        guard let r = reader(root, Self.topKeys, "the scenario") else { return nil }
        let name = r["scenario"].flatMap { n in attempt { () throws(YAMLError) in try n.string() } }
        if r["scenario"] == nil { fail(.missingKey, "missing key 'scenario' (the scenario's name)", at: root.mark) }
        var scriptPath: String?
        if let s = r["script"], let file = attempt({ () throws(YAMLError) in try s.string() }) {
            scriptPath = resolve(file)
            if catalog == nil {
                do { catalog = try PromptCatalog.load(scriptPath: resolve(file)) } catch {
                    fail(.invalidValue, "cannot read the script's prompts: \(error)", at: s.mark)
                }
            }
        }
        var timeouts = ScenarioTimeouts()
        if let t = r["timeouts"], let tr = reader(t, Self.timeoutKeys, "timeouts") {
            if let n = tr["answer_timeout_ms"], let v = int(n, "answer_timeout_ms", 100...600_000) { timeouts.answerTimeoutMs = v }
            if let n = tr["prompt_timeout_ms"], let v = int(n, "prompt_timeout_ms", 100...600_000) { timeouts.promptTimeoutMs = v }
            if let n = tr["call_timeout_ms"], let v = int(n, "call_timeout_ms", 1_000...3_600_000) { timeouts.callTimeoutMs = v }
        }
        let line = r["line"].map { self.line($0) } ?? LineConfiguration()
        var calls: [ScenarioCall] = []
        if let c = r["calls"] {
            if let items = attempt({ () throws(YAMLError) in try c.sequence() }) {
                if items.isEmpty { fail(.invalidValue, "'calls' needs at least one call", at: c.mark) }
                var names: Set<String> = []
                for (i, item) in items.enumerated() {
                    guard let call = self.call(item, index: i) else { continue }
                    if !names.insert(call.name).inserted {
                        fail(.invalidValue, "duplicate call name '\(call.name)'", at: item.mark)
                    }
                    calls.append(call)
                }
            }
        } else {
            fail(.missingKey, "missing key 'calls' (the conversations to place)", at: root.mark)
        }
        guard let name, !calls.isEmpty else { return nil }
        return Scenario(name: name, path: path, scriptPath: scriptPath, timeouts: timeouts, line: line, calls: calls)
    }

    mutating func line(_ node: YAMLNode) -> LineConfiguration {
        var line = LineConfiguration()
        guard let r = reader(node, Self.lineKeys, "line") else { return line }
        if let n = r["seed"], let v = int(n, "seed", 0...Int.max) { line.seed = UInt64(v) }
        if let e = r["echo"], let er = reader(e, Self.echoKeys, "line.echo") {
            let delay = attempt { () throws(YAMLError) in try er.require("delay_ms", context: "line.echo") }
                .flatMap { int($0, "delay_ms", 0...1_000) }
            let loss = attempt { () throws(YAMLError) in try er.require("return_loss_db", context: "line.echo") }
                .flatMap { double($0, "return_loss_db", 0...100) }
            if let delay, let loss { line.echo = .init(delayMs: delay, returnLossDb: loss) }
        }
        if let n = r["noise"], let nr = reader(n, Self.noiseKeys, "line.noise") {
            var kind = LineConfiguration.Noise.Kind.white
            if let k = nr["kind"], let raw = attempt({ () throws(YAMLError) in try k.string() }) {
                if let parsed = LineConfiguration.Noise.Kind(rawValue: raw) { kind = parsed } else {
                    let names = LineConfiguration.Noise.Kind.allCases.map(\.rawValue)
                    fail(.invalidValue, "noise kind must be white or babble, not '\(raw)'\(Self.suggest(raw, names))", at: k.mark)
                }
            }
            let snr = attempt { () throws(YAMLError) in try nr.require("snr_db", context: "line.noise") }
                .flatMap { double($0, "snr_db", -20...100) }
            var noise = LineConfiguration.Noise(kind: kind, snrDb: snr ?? 0)
            if let s = nr["speech_rms"], let v = double(s, "speech_rms", 1...32_767) { noise.speechRmsLevel = v }
            if snr != nil { line.noise = noise }
        }
        return line
    }

    mutating func call(_ node: YAMLNode, index: Int) -> ScenarioCall? {
        let context = "call \(index + 1)"
        guard let r = reader(node, Self.callKeys, context) else { return nil }
        let name = r["name"].flatMap { n in attempt { () throws(YAMLError) in try n.string() } } ?? "call \(index + 1)"
        var weight = 1
        if let w = r["weight"], let v = int(w, "weight", 1...1_000_000) { weight = v }
        let variables = r["variables"].map { pairs($0, kind: "variable") } ?? []
        let headers = r["headers"].map { pairs($0, kind: "header") } ?? []
        for h in headers where h.name.lowercased().hasPrefix(ScenarioCall.variableHeaderPrefix.lowercased()) {
            fail(.invalidValue, "header '\(h.name)': put dialogue variables under 'variables'", at: node.mark)
        }
        var turns: [CallerTurn] = []
        var turnMarks: [YAMLMark] = []
        if let t = r["turns"] {
            if let items = attempt({ () throws(YAMLError) in try t.sequence() }) {
                if items.isEmpty { fail(.invalidValue, "'turns' needs at least one turn", at: t.mark) }
                for item in items {
                    if let turn = self.turn(item) { turns.append(turn); turnMarks.append(item.mark) }
                }
            }
        } else {
            fail(.missingKey, "missing key 'turns' in \(context)", at: node.mark)
        }
        if let i = turns.firstIndex(of: .hangup), i != turns.count - 1 {
            fail(.invalidValue, "'hangup' must be the last turn", at: turnMarks[i])
        }
        var expect = ScenarioExpectation()
        if let e = r["expect"], let er = reader(e, Self.expectKeys, "expect") {
            if let p = er["prompts"], let names = attempt({ () throws(YAMLError) in try p.stringList() }) {
                expect.prompts = names
                checkPrompts(names, at: p)
            }
            if let d = er["disposition"], let value = attempt({ () throws(YAMLError) in try d.string() }) {
                expect.disposition = value
                if turns.last == .hangup {
                    fail(.invalidValue, "the caller hangs up, so no BYE from the bot carries a disposition to check",
                         at: d.mark)
                }
            }
        }
        return ScenarioCall(name: name, weight: weight, variables: variables, headers: headers, turns: turns, expect: expect)
    }

    mutating func pairs(_ node: YAMLNode, kind: String) -> [ScenarioHeader] {
        guard let entries = attempt({ () throws(YAMLError) in try node.mapping() }) else { return [] }
        var out: [ScenarioHeader] = []
        for pair in entries {
            let valid = !pair.name.isEmpty && pair.name.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-"
            }
            if !valid { fail(.invalidValue, "\(kind) name '\(pair.name)' may hold only letters, digits, '_' and '-'", at: pair.key.mark) }
            guard let value = attempt({ () throws(YAMLError) in try pair.value.string() }) else { continue }
            if value.contains(where: { $0 == "\r" || $0 == "\n" }) {
                fail(.invalidValue, "\(kind) '\(pair.name)' must be one line", at: pair.value.mark)
                continue
            }
            out.append(ScenarioHeader(name: pair.name, value: value))
        }
        return out
    }
}
