import ParleyYAML

/// Prompt checks: variants, variables, recordings on disk, locked segments.
extension DialogueLintPass {
    /// The shortest no-input timeout of the listening states that play each prompt
    /// (a locked prompt matters only where the caller is expected to answer).
    var listeningTimeouts: [String: Int] {
        var out: [String: Int] = [:]
        func note(_ refs: [DialoguePromptRef], _ timeoutMs: Int) {
            for r in refs { out[r.name] = min(out[r.name] ?? Int.max, timeoutMs) }
        }
        let side = (script.sideQuestions + script.globalHandlers).flatMap { t -> [DialoguePromptRef] in
            switch t.target {
            case .stay, .repeatState, .returnToState: return t.play
            default: return []
            }
        }
        for state in script.states where state.listens {
            let timeoutMs = state.noInputTimeoutMs ?? script.defaults.noInputTimeoutMs
            note(state.play + state.resume + side, timeoutMs)
            for e in [state.noMatch ?? script.defaults.noMatch, state.noInput ?? script.defaults.noInput] {
                if let e { note(e.reprompts, timeoutMs) }
            }
            for t in state.transitions {
                switch t.target {
                case .stay, .repeatState, .returnToState: note(t.play, timeoutMs)
                default: break
                }
            }
        }
        return out
    }

    mutating func checkPrompts() {
        let timeouts = listeningTimeouts
        var checkedSay: Set<String> = []
        for prompt in script.prompts {
            let first = prompt.variants.first
            for variant in prompt.variants {
                checkTemplate(variant.text, at: variant.textMark ?? variant.mark)
                if let first, variant.structure != first.structure {
                    report(.warning, .abStructure,
                           "variant '\(variant.name)' of prompt '\(prompt.name)' is built differently from '\(first.name)' (\(variant.structure) vs \(first.structure))",
                           at: variant.mark)
                }
            }
            if prompt.variants.count > 1 && prompt.variants.allSatisfy({ $0.weight <= 0 }) {
                report(.error, .abWeights, "prompt '\(prompt.name)' has no variant with a positive weight", at: prompt.mark)
            }
            var longestMs: Int?
            for variant in prompt.variants {
                var totalMs = 0, known = true
                for segment in variant.segments {
                    switch segment.kind {
                    case .file(let file):
                        if let info = checkFile(file, at: segment.mark) { totalMs += info.durationMs } else { known = false }
                    case .say(let variable, let format):
                        known = false
                        if !knownVariables.contains(variable) {
                            report(.error, .undefinedVariable, "variable '\(variable)' is not defined\(suggest(variable, Array(knownVariables).sorted()))", at: segment.mark)
                        }
                        let key = "\(format)"
                        if format != .name && checkedSay.insert(key).inserted { checkSayVocabulary(format, at: segment.mark) }
                    }
                }
                if known && inspector != nil { longestMs = max(longestMs ?? 0, totalMs) }
            }
            checkLocked(prompt, durationMs: longestMs, timeouts: timeouts)
        }
    }

    mutating func checkSayVocabulary(_ format: DialogueSayFormat, at mark: YAMLMark) {
        guard inspector != nil else { return }
        let words = DialogueSpokenValue.vocabulary(format, language: script.language)
        let missing = words.filter { audio("\(script.promptDirectory)/\($0)") == .missing }
        if !missing.isEmpty {
            report(.error, .promptMissing,
                   "saying a \(format.rawValue) needs recordings that are missing: \(missing.prefix(5).joined(separator: ", "))\(missing.count > 5 ? ", …" : "")",
                   at: mark)
        }
    }

    mutating func audio(_ path: String) -> DialoguePromptAudio {
        if let cached = audioCache[path] { return cached }
        let result = inspector?.inspect(path: path) ?? .missing
        audioCache[path] = result
        return result
    }

    mutating func checkFile(_ file: String, at mark: YAMLMark) -> DialoguePromptAudioInfo? {
        guard inspector != nil else { return nil }
        let path = file.hasPrefix("/") ? file : "\(script.promptDirectory)/\(file)"
        switch audio(path) {
        case .missing:
            report(.error, .promptMissing, "prompt file '\(file)' not found in '\(script.promptDirectory)'", at: mark)
            return nil
        case .unreadable(let why):
            report(.error, .promptUnreadable, "prompt file '\(file)' is unreadable: \(why)", at: mark)
            return nil
        case .audio(let info):
            if info.sampleRateHz != script.sampleRateHz {
                report(.error, .promptRate, "prompt file '\(file)' is \(info.sampleRateHz) Hz, expected \(script.sampleRateHz) Hz", at: mark)
            }
            if info.channelCount != 1 {
                report(.error, .promptRate, "prompt file '\(file)' has \(info.channelCount) channels, expected mono", at: mark)
            }
            if info.clippedFraction > 0.001 {
                report(.warning, .promptClipped,
                       "prompt file '\(file)' is clipped (\(Int((info.clippedFraction * 1000).rounded()) / 10)% of samples at full scale)", at: mark)
            }
            if info.silentFraction > 0.8 {
                report(.warning, .promptSilent, "prompt file '\(file)' is mostly silent (\(Int(info.silentFraction * 100))% below -50 dBFS)", at: mark)
            }
            return info
        }
    }

    mutating func checkLocked(_ prompt: DialoguePrompt, durationMs: Int?, timeouts listeningTimeouts: [String: Int]) {
        if let durationMs, let end = prompt.locked.map(\.toMs).max(), end > durationMs {
            report(.error, .cuePastEnd, "locked segment ends at \(end) ms, past the end of prompt '\(prompt.name)' (\(durationMs) ms)", at: prompt.mark)
        }
        let lockedMs = prompt.bargeIn == .off ? (durationMs ?? 0) : (prompt.locked.map(\.durationMs).max() ?? 0)
        guard lockedMs > 0, let timeoutMs = listeningTimeouts[prompt.name] else { return }
        if lockedMs > timeoutMs {
            report(.warning, .lockedTooLong,
                   "prompt '\(prompt.name)' is locked for \(lockedMs) ms, longer than the no-input timeout (\(timeoutMs) ms)", at: prompt.mark)
        }
    }
}
