import Foundation
import ParleyYAML

extension ScenarioLoader {
    static let dtmfDigits = Set("0123456789*#ABCD")

    mutating func turn(_ node: YAMLNode) -> CallerTurn? {
        if case .scalar = node.content, let word = attempt({ () throws(YAMLError) in try node.string() }) {
            if word == "hangup" { return .hangup }
            fail(.invalidValue, "a turn is 'hangup' or a mapping with one of \(Self.turnKinds.joined(separator: ", ")), not '\(word)'\(Self.suggest(word, ["hangup"]))",
                 at: node.mark)
            return nil
        }
        guard let r = reader(node, Self.turnKinds, "a turn") else { return nil }
        guard r.pairs.count == 1 else {
            if r.unknownKeyErrors.isEmpty {
                fail(.invalidValue, "a turn has exactly one of \(Self.turnKinds.joined(separator: ", "))", at: node.mark)
            }
            return nil
        }
        let value = r.pairs[0].value
        switch r.names[0] {
        case "wait": return wait(value)
        case "say":
            guard let file = attempt({ () throws(YAMLError) in try value.string() }) else { return nil }
            let path = resolve(file)
            guard FileManager.default.fileExists(atPath: path) else {
                fail(.invalidValue, "no such audio file '\(file)' (looked at \(path))", at: value.mark)
                return nil
            }
            return .say(file: path)
        case "silence_ms":
            return int(value, "silence_ms", 1...600_000).map { .silence(durationMs: $0) }
        case "dtmf": return dtmf(value)
        case "hangup":
            guard attempt({ () throws(YAMLError) in try value.bool() }) == true else {
                if value.isNull { return .hangup }
                fail(.invalidValue, "write the turn as plain 'hangup'", at: value.mark)
                return nil
            }
            return .hangup
        default: return nil
        }
    }

    mutating func wait(_ node: YAMLNode) -> CallerTurn? {
        if case .scalar = node.content {
            guard let name = attempt({ () throws(YAMLError) in try node.string() }) else { return nil }
            checkPrompts([name], at: node)
            return .wait(prompt: name, afterMs: nil, timeoutMs: nil)
        }
        guard let r = reader(node, Self.waitKeys, "a wait turn") else { return nil }
        guard let p = attempt({ () throws(YAMLError) in try r.require("prompt", context: "a wait turn") }),
              let name = attempt({ () throws(YAMLError) in try p.string() }) else { return nil }
        checkPrompts([name], at: p)
        let after = r["after_ms"].flatMap { int($0, "after_ms", 0...600_000) }
        let timeout = r["timeout_ms"].flatMap { int($0, "timeout_ms", 100...600_000) }
        if r["after_ms"] != nil && after == nil { return nil }
        if let after, let catalog, let prompt = catalog.prompt(named: name), !prompt.interruptible {
            fail(.invalidValue, "prompt '\(name)' has barge_in: off, so speaking \(after) ms into it cannot interrupt it",
                 at: r.keyMark("after_ms") ?? node.mark)
        }
        return .wait(prompt: name, afterMs: after, timeoutMs: timeout)
    }

    mutating func dtmf(_ node: YAMLNode) -> CallerTurn? {
        var digitsNode = node
        var method = CallerTurn.DTMFMethod.rfc4733
        if case .mapping = node.content {
            guard let r = reader(node, Self.dtmfKeys, "a dtmf turn"),
                  let d = attempt({ () throws(YAMLError) in try r.require("digits", context: "a dtmf turn") }) else { return nil }
            digitsNode = d
            if let m = r["method"], let raw = attempt({ () throws(YAMLError) in try m.string() }) {
                if let parsed = CallerTurn.DTMFMethod(rawValue: raw) { method = parsed } else {
                    let names = CallerTurn.DTMFMethod.allCases.map(\.rawValue)
                    fail(.invalidValue, "dtmf method must be rfc4733 or info, not '\(raw)'\(Self.suggest(raw, names))", at: m.mark)
                }
            }
        }
        guard let digits = attempt({ () throws(YAMLError) in try digitsNode.string() }) else { return nil }
        guard !digits.isEmpty, digits.allSatisfy({ Self.dtmfDigits.contains($0) }) else {
            fail(.invalidValue, "dtmf digits are 0-9, *, # and A-D, not '\(digits)'", at: digitsNode.mark)
            return nil
        }
        return .dtmf(digits: digits, method: method)
    }

    /// Prompt names must exist in the script, when one is known.
    mutating func checkPrompts(_ names: [String], at node: YAMLNode) {
        guard let catalog else { return }
        let known = catalog.prompts.map(\.name)
        let items = (try? node.sequence()) ?? [node]
        for (i, name) in names.enumerated() where catalog.prompt(named: name) == nil {
            let mark = i < items.count ? items[i].mark : node.mark
            fail(.invalidValue, "the script has no prompt '\(name)'\(Self.suggest(name, known))", at: mark)
        }
    }
}
