import ParleyYAML

extension DialogueLoader {
    static let promptKeys = ["text", "file", "segments", "variants", "barge_in", "min_speech_ms", "min_words", "locked_ms", "locked"]
    static let variantKeys = ["text", "file", "segments", "weight"]

    mutating func loadPrompts(_ node: YAMLNode) -> [DialoguePrompt] {
        var out: [DialoguePrompt] = []
        guard let pairs = attempt({ try node.mapping() }) else { return out }
        for pair in pairs {
            if let p = loadPrompt(pair.name, pair.value, keyMark: pair.key.mark) { out.append(p) }
        }
        return out
    }

    mutating func loadPrompt(_ name: String, _ node: YAMLNode, keyMark: YAMLMark) -> DialoguePrompt? {
        guard let r = reader(node, Self.promptKeys, "prompt '\(name)'") else { return nil }
        var prompt = DialoguePrompt(name: name, variants: [], bargeIn: .immediate, locked: [], mark: keyMark)
        if let v = r["variants"] {
            for key in ["file", "segments"] where r[key] != nil {
                report(.error, .invalidValue, "prompt '\(name)' has both '\(key)' and 'variants'; put '\(key)' in each variant",
                       at: r.keyMark(key) ?? node.mark)
            }
            if let pairs = attempt({ try v.mapping() }) {
                for vp in pairs {
                    guard let vr = reader(vp.value, Self.variantKeys, "variant '\(vp.name)' of prompt '\(name)'") else { continue }
                    var variant = loadVariantBody(vr, name: vp.name, prompt: name, mark: vp.key.mark)
                    if variant.text.isEmpty, let t = r["text"] {
                        variant.text = attempt { try t.string() } ?? ""
                        variant.textMark = t.mark
                    }
                    if let w = vr["weight"] {
                        variant.weight = attempt { try w.int() } ?? 1
                        if variant.weight <= 0 {
                            report(.error, .abWeights, "variant '\(vp.name)' of prompt '\(name)' needs a positive weight", at: w.mark)
                        }
                    }
                    prompt.variants.append(variant)
                }
                if pairs.isEmpty { report(.error, .invalidValue, "prompt '\(name)' has no variants", at: v.mark) }
            }
        } else {
            prompt.variants = [loadVariantBody(r, name: "default", prompt: name, mark: keyMark)]
        }
        if let b = r["barge_in"], let value = attempt({ try b.string() }) {
            switch value {
            case "off": prompt.bargeIn = .off
            case "immediate": prompt.bargeIn = .immediate
            case "confirmed":
                var minSpeechMs = 300, minWords = 1
                if let n = r["min_speech_ms"] { minSpeechMs = attempt { try n.int() } ?? minSpeechMs }
                if let n = r["min_words"] { minWords = attempt { try n.int() } ?? minWords }
                prompt.bargeIn = .confirmed(minSpeechMs: minSpeechMs, minWords: minWords)
            default:
                report(.error, .invalidValue,
                       "barge_in must be off, immediate or confirmed, not '\(value)'\(suggest(value, ["off", "immediate", "confirmed"]))",
                       at: b.mark)
            }
        }
        if prompt.bargeIn.name != "confirmed" {
            for key in ["min_speech_ms", "min_words"] where r[key] != nil {
                report(.warning, .invalidValue, "'\(key)' only applies with barge_in: confirmed", at: r.keyMark(key) ?? node.mark)
            }
        }
        if let n = r["locked_ms"], let ms = attempt({ try n.int() }) {
            if ms <= 0 { report(.error, .invalidValue, "locked_ms must be positive", at: n.mark) } else {
                prompt.locked.append(DialogueLockedSegment(fromMs: 0, toMs: ms))
            }
        }
        if let n = r["locked"], let items = attempt({ try n.sequence() }) {
            for item in items {
                guard let lr = reader(item, ["from_ms", "to_ms"], "a locked segment"),
                      let from = attempt({ try lr.require("from_ms", context: "a locked segment").int() }),
                      let to = attempt({ try lr.require("to_ms", context: "a locked segment").int() }) else { continue }
                if from < 0 || to <= from {
                    report(.error, .invalidValue, "a locked segment needs 0 ≤ from_ms < to_ms (got \(from)…\(to))", at: item.mark)
                    continue
                }
                prompt.locked.append(DialogueLockedSegment(fromMs: from, toMs: to))
            }
        }
        return prompt
    }

    private mutating func loadVariantBody(_ r: YAMLMappingReader, name: String, prompt: String, mark: YAMLMark) -> DialoguePromptVariant {
        var variant = DialoguePromptVariant(name: name, weight: 1, segments: [], text: "", mark: mark)
        if let t = r["text"] {
            variant.text = attempt { try t.string() } ?? ""
            variant.textMark = t.mark
        }
        let file = r["file"], segments = r["segments"]
        if file != nil && segments != nil {
            report(.error, .invalidValue, "prompt '\(prompt)' has both 'file' and 'segments'", at: r.keyMark("segments") ?? mark)
        }
        if let file, let f = attempt({ try file.string() }) {
            variant.segments = [DialoguePromptSegment(kind: .file(f), mark: file.mark)]
        } else if let segments, let items = attempt({ try segments.sequence() }) {
            for item in items {
                if let s = loadSegment(item, prompt: prompt) { variant.segments.append(s) }
            }
        } else if file == nil && segments == nil {
            report(.error, .missingKey, "prompt '\(prompt)' needs 'file' or 'segments'", at: mark)
        }
        return variant
    }

    private mutating func loadSegment(_ node: YAMLNode, prompt: String) -> DialoguePromptSegment? {
        if case .scalar = node.content, let f = attempt({ try node.string() }) {
            return DialoguePromptSegment(kind: .file(f), mark: node.mark)
        }
        guard let r = reader(node, ["file", "say", "as"], "a segment of prompt '\(prompt)'") else { return nil }
        if let f = r["file"], let file = attempt({ try f.string() }) {
            return DialoguePromptSegment(kind: .file(file), mark: f.mark)
        }
        guard let s = r["say"], let variable = attempt({ try s.string() }) else {
            report(.error, .missingKey, "a segment needs 'file' or 'say'", at: node.mark)
            return nil
        }
        var format = DialogueSayFormat.number
        if let a = r["as"], let raw = attempt({ try a.string() }) {
            if let f = DialogueSayFormat(rawValue: raw) { format = f } else {
                let names = DialogueSayFormat.allCases.map(\.rawValue)
                report(.error, .invalidValue, "'as' must be one of \(names.joined(separator: ", ")), not '\(raw)'\(suggest(raw, names))", at: a.mark)
            }
        }
        return DialoguePromptSegment(kind: .say(variable: variable, format: format), mark: s.mark)
    }
}
