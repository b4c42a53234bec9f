/// Resolving prompts into playbacks: A/B variant, recordings, transcript.
extension DialogueEngine {
    /// Emits a `play` for the prompts that exist; false when there is nothing to play.
    mutating func play(_ refs: [DialoguePromptRef], _ out: inout [DialogueAction]) -> Bool {
        var prompts: [DialogueResolvedPrompt] = []
        for ref in refs {
            guard let prompt = script.prompt(named: ref.name), let resolved = resolve(prompt) else { continue }
            prompts.append(resolved)
            if prompt.variants.count > 1 {
                // The A/B arm this call heard, for webhooks and results (`{variant_offer}`).
                let name = "variant_" + prompt.name
                if variables[name] != resolved.variant {
                    variables[name] = resolved.variant
                    out.append(.setVariable(name: name, value: resolved.variant))
                }
            }
        }
        guard !prompts.isEmpty else { return false }
        cancelTimer(&out)
        playbackID += 1
        phase = .playing
        out.append(.play(DialoguePlayback(id: playbackID, prompts: prompts)))
        return true
    }

    func resolve(_ prompt: DialoguePrompt) -> DialogueResolvedPrompt? {
        guard let variant = DialogueVariantPicker.pick(prompt, seed: seed) else { return nil }
        var files: [String] = []
        let dir = script.promptDirectory
        for segment in variant.segments {
            switch segment.kind {
            case .file(let f):
                files.append(f.hasPrefix("/") ? f : dir + "/" + f)
            case .say(let variable, let format):
                let value = variables[variable] ?? ""
                for f in DialogueSpokenValue.files(value, format: format, language: script.language) {
                    files.append(dir + "/" + f)
                }
            }
        }
        return DialogueResolvedPrompt(name: prompt.name, variant: variant.name, files: files,
                                      text: DialogueTemplate.render(variant.text, variables),
                                      bargeIn: prompt.bargeIn, locked: prompt.locked)
    }
}

/// Deterministic A/B choice: FNV-1a of the seed and the prompt name, modulo the total weight.
public enum DialogueVariantPicker {
    /// The variant this seed hears; nil only for a prompt without variants (a load error).
    public static func pick(_ prompt: DialoguePrompt, seed: String) -> DialoguePromptVariant? {
        let total = prompt.variants.reduce(0) { $0 + max(0, $1.weight) }
        guard prompt.variants.count > 1, total > 0 else { return prompt.variants.first }
        var point = Int(hash(seed + "\u{1F}" + prompt.name) % UInt64(total))
        for variant in prompt.variants where variant.weight > 0 {
            if point < variant.weight { return variant }
            point -= variant.weight
        }
        return prompt.variants[0]
    }

    /// 64-bit FNV-1a over UTF-8.
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }
}

/// `{variable}` substitution; unknown variables render as empty text.
public enum DialogueTemplate {
    public static func render(_ template: String, _ variables: [String: String]) -> String {
        guard template.contains("{") else { return template }
        var out = ""
        var name = ""
        var inside = false
        for ch in template {
            if inside {
                if ch == "}" { out += variables[name] ?? ""; inside = false; name = "" } else { name.append(ch) }
            } else if ch == "{" {
                inside = true
            } else {
                out.append(ch)
            }
        }
        if inside { out += "{" + name }
        return out
    }

    /// The variable names a template uses.
    public static func variables(in template: String) -> [String] {
        var names: [String] = []
        var name = ""
        var inside = false
        for ch in template {
            if inside {
                if ch == "}" { names.append(name); inside = false; name = "" } else { name.append(ch) }
            } else if ch == "{" { inside = true }
        }
        return names
    }
}
