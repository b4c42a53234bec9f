import ParleyYAML

extension CampaignYAMLReader {
    struct AMDSettings { var leaveVoicemail = false; var configuration = AMDConfiguration() }

    /// One `campaign.amd` timing key: its allowed range (ms) and the setting it writes.
    struct AMDTiming {
        var key: String
        var range: ClosedRange<Int>
        var setting: WritableKeyPath<AMDConfiguration, Int>
    }

    static var amdTimings: [AMDTiming] {
        [
            AMDTiming(key: "decision_deadline_ms", range: 1_000...10_000, setting: \.totalAnalysisMs),
            AMDTiming(key: "initial_silence_ms", range: 500...10_000, setting: \.initialSilenceMs),
            AMDTiming(key: "greeting_ms", range: 500...5_000, setting: \.greetingMs),
            AMDTiming(key: "after_greeting_silence_ms", range: 200...3_000, setting: \.afterGreetingSilenceMs),
        ]
    }

    /// `campaign.amd`: the voicemail policy and the detector's timing; the defaults when
    /// absent or null. A timing outside its range, or an initial silence longer than the
    /// deadline (nobody could be heard as silent before it), is reported at its value.
    mutating func amd(_ node: YAMLNode?) -> AMDSettings? {
        var settings = AMDSettings()
        guard let node, !node.isNull else { return settings }
        let context = "campaign.amd"
        guard let reader = section(node, keys: CampaignDefinitionLoader.amdKeys, context: context) else { return nil }
        var ok = reader.unknownKeyErrors.isEmpty
        if let v = value(reader, "leave_voicemail") {
            if let b = bool(v, key: "\(context).leave_voicemail") { settings.leaveVoicemail = b } else { ok = false }
        }
        for timing in Self.amdTimings {
            guard let v = value(reader, timing.key) else { continue }
            guard let ms = int(v, key: "\(context).\(timing.key)") else { ok = false; continue }
            guard timing.range.contains(ms) else {
                report(.invalidValue, "\(context).\(timing.key) must be from \(timing.range.lowerBound) to "
                       + "\(timing.range.upperBound), found \(ms)", at: v.mark)
                ok = false
                continue
            }
            settings.configuration[keyPath: timing.setting] = ms
        }
        let c = settings.configuration
        if ok, c.initialSilenceMs > c.totalAnalysisMs {
            let mark = (value(reader, "initial_silence_ms") ?? value(reader, "decision_deadline_ms") ?? node).mark
            report(.invalidValue, "\(context).initial_silence_ms (\(c.initialSilenceMs)) must not be longer than "
                   + "decision_deadline_ms (\(c.totalAnalysisMs))", at: mark)
            ok = false
        }
        return ok ? settings : nil
    }
}
