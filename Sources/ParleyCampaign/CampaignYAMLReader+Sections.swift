import Foundation
import ParleyYAML

/// The structured sections of a campaign: windows, retry, do-not-call, frequency cap, A/B.
extension CampaignYAMLReader {
    static let windowKeys = ["days", "start", "end"]
    static let retryKeys = ["max_attempts", "on"]
    static let ruleKeys = ["delay_sec", "max_attempts"]
    static let doNotCallKeys = ["numbers", "file"]
    static let frequencyCapKeys = ["max_calls", "period_days"]
    static let variantKeys = ["name", "weight"]

    /// Day names → Foundation weekday numbers (1 = Sunday … 7 = Saturday).
    static let dayNumbers: [String: Int] = [
        "sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7,
        "sunday": 1, "monday": 2, "tuesday": 3, "wednesday": 4, "thursday": 5, "friday": 6, "saturday": 7,
    ]
    static let shortDayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// The YAML spelling of an outcome (`no_answer` for `.noAnswer`).
    static func yamlName(_ outcome: AttemptOutcome) -> String {
        var name = ""
        for ch in outcome.rawValue {
            if ch.isUppercase { name += "_" + ch.lowercased() } else { name.append(ch) }
        }
        return name
    }

    static let outcomesByName: [String: AttemptOutcome] = Dictionary(
        uniqueKeysWithValues: AttemptOutcome.allCases.map { (yamlName($0), $0) })

    // MARK: windows

    mutating func windows(_ node: YAMLNode?) -> CallingSchedule? {
        guard let items = sequence(node, key: "campaign.windows"), let node else { return nil }
        if items.isEmpty {
            report(CampaignError(.invalidWindow, "at least one calling window"), at: node.mark)
            return nil
        }
        var windows: [CallingWindow] = []
        var valid = true
        for (i, item) in items.enumerated() {
            let context = "campaign.windows[\(i + 1)]"
            guard let window = self.window(item, context: context) else { valid = false; continue }
            windows.append(window)
        }
        return valid ? CallingSchedule(windows: windows) : nil
    }

    private mutating func window(_ item: YAMLNode, context: String) -> CallingWindow? {
        guard let reader = section(item, keys: Self.windowKeys, context: context) else {
            if item.isNull { report(.typeMismatch, "\(context): expected a mapping, found null", at: item.mark) }
            return nil
        }
        let daysNode = required(reader, "days", context: context)
        let startNode = required(reader, "start", context: context)
        let endNode = required(reader, "end", context: context)
        let days = weekdays(daysNode, key: "\(context).days")
        let start = time(startNode, key: "\(context).start")
        let end = time(endNode, key: "\(context).end")
        guard let days, let start, let end, let daysNode, let endNode else { return nil }
        do throws(CampaignError) {
            return try CallingWindow(weekdays: days, startMinute: start, endMinute: end)
        } catch {
            // Days were checked above, so what remains is the order of start and end.
            report(error, at: error.detail.hasPrefix("weekdays") ? daysNode.mark : endNode.mark)
            return nil
        }
    }

    /// A day name or a list of them.
    private mutating func weekdays(_ node: YAMLNode?, key: String) -> Set<Int>? {
        guard let node else { return nil }
        let items: [YAMLNode]
        if case .sequence(let list) = node.content { items = list } else { items = [node] }
        if items.isEmpty {
            report(.invalidValue, "\(key) must name at least one day", at: node.mark)
            return nil
        }
        var days = Set<Int>()
        var valid = true
        for item in items {
            guard let name = string(item, key: key) else { valid = false; continue }
            if let day = Self.dayNumbers[name.lowercased()] {
                days.insert(day)
                continue
            }
            var message = "unknown day '\(name)' in \(key): use mon, tue, wed, thu, fri, sat, sun"
            if let guess = YAMLMappingReader.suggestion(for: name.lowercased(), among: Self.shortDayNames) {
                message += "; did you mean '\(guess)'?"
            }
            report(.invalidValue, message, at: item.mark)
            valid = false
        }
        return valid ? days : nil
    }

    /// "HH:MM" (two digits each) in minutes after midnight, via `CallingWindow.minutes`.
    private mutating func time(_ node: YAMLNode?, key: String) -> Int? {
        guard let node, let text = string(node, key: key) else { return nil }
        let shape = text.count == 5 && text.enumerated().allSatisfy { i, c in i == 2 ? c == ":" : c.isASCII && c.isNumber }
        guard shape else {
            report(CampaignError(.invalidWindow, "time '\(text)' is not HH:MM"), at: node.mark)
            return nil
        }
        return check(at: node.mark) { () throws(CampaignError) in try CallingWindow.minutes(text) }
    }

    // MARK: retry

    mutating func retry(_ node: YAMLNode?) -> RetryPolicy? {
        guard let node else { return RetryPolicy.standard }
        guard let reader = section(node, keys: Self.retryKeys, context: "campaign.retry") else { return nil }
        let maxNode = required(reader, "max_attempts", context: "campaign.retry")
        var maxAttempts = int(maxNode, key: "campaign.retry.max_attempts")
        if let value = maxAttempts, let maxNode {
            // The policy's own check of the overall limit, with no rules.
            if check(at: maxNode.mark, { () throws(CampaignError) in try RetryPolicy(maxAttempts: value, rules: [:]) }) == nil {
                maxAttempts = nil
            }
        }
        var rules: [AttemptOutcome: RetryPolicy.Rule] = [:]
        var valid = maxAttempts != nil
        let outcomeNames = AttemptOutcome.allCases.map(Self.yamlName)
        if let on = section(value(reader, "on"), keys: outcomeNames, context: "campaign.retry.on") {
            if on.unknownKeyErrors.count > 0 { valid = false }
            for pair in on.pairs {
                guard let outcome = Self.outcomesByName[pair.name] else { continue }
                guard let rule = self.rule(pair, outcome: outcome, overall: maxAttempts ?? 1) else { valid = false; continue }
                rules[outcome] = rule
            }
        } else if let on = reader["on"], !on.isNull {
            valid = false
        }
        guard valid, let maxAttempts else { return nil }
        return check(at: node.mark) { () throws(CampaignError) in try RetryPolicy(maxAttempts: maxAttempts, rules: rules) }
    }

    private mutating func rule(_ pair: YAMLPair, outcome: AttemptOutcome, overall: Int) -> RetryPolicy.Rule? {
        let context = "campaign.retry.on.\(pair.name)"
        guard let reader = section(pair.value, keys: Self.ruleKeys, context: context) else {
            if pair.value.isNull { report(.typeMismatch, "\(context): expected a mapping, found null", at: pair.value.mark) }
            return nil
        }
        let delayNode = required(reader, "delay_sec", context: context)
        let maxNode = required(reader, "max_attempts", context: context)
        let delay = int(delayNode, key: "\(context).delay_sec")
        let max = int(maxNode, key: "\(context).max_attempts")
        guard reader.unknownKeyErrors.isEmpty, let delay, let max, let delayNode, let maxNode else { return nil }
        let rule = RetryPolicy.Rule(delaySec: delay, maxAttempts: max)
        do throws(CampaignError) {
            _ = try RetryPolicy(maxAttempts: overall, rules: [outcome: rule])
            return rule
        } catch {
            let mark = outcome == .answered ? pair.key.mark : (delay < 0 ? delayNode.mark : maxNode.mark)
            var error = error
            error.detail = error.detail.replacingOccurrences(of: "for \(outcome.rawValue):", with: "for \(pair.name):")
            report(error, at: mark)
            return nil
        }
    }

    // MARK: frequency cap

    mutating func frequencyCap(_ node: YAMLNode?) -> FrequencyCap?? {
        guard node != nil else { return .some(nil) }
        let context = "campaign.frequency_cap"
        guard let reader = section(node, keys: Self.frequencyCapKeys, context: context) else { return nil }
        let callsNode = required(reader, "max_calls", context: context)
        let daysNode = required(reader, "period_days", context: context)
        let calls = int(callsNode, key: "\(context).max_calls")
        let days = int(daysNode, key: "\(context).period_days")
        guard reader.unknownKeyErrors.isEmpty, let calls, let days, let callsNode, let daysNode else { return nil }
        do throws(CampaignError) {
            return .some(try FrequencyCap(maxCalls: calls, periodDays: days))
        } catch {
            report(error, at: calls < 1 ? callsNode.mark : daysNode.mark)
            return nil
        }
    }

    // MARK: A/B variants

    mutating func variants(_ node: YAMLNode?) -> VariantAssigner?? {
        guard let node else { return .some(nil) }
        guard let items = sequence(node, key: "campaign.ab") else { return nil }
        var variants: [VariantAssigner.Variant] = []
        var seen: [String: YAMLMark] = [:]
        var valid = true
        for (i, item) in items.enumerated() {
            let context = "campaign.ab[\(i + 1)]"
            guard let reader = section(item, keys: Self.variantKeys, context: context) else {
                if item.isNull { report(.typeMismatch, "\(context): expected a mapping, found null", at: item.mark) }
                valid = false
                continue
            }
            let nameNode = required(reader, "name", context: context)
            let weightNode = required(reader, "weight", context: context)
            let name = string(nameNode, key: "\(context).name")
            let weight = int(weightNode, key: "\(context).weight")
            guard reader.unknownKeyErrors.isEmpty, let name, let weight, let nameNode, let weightNode else {
                valid = false
                continue
            }
            let variant = VariantAssigner.Variant(name: name, weight: weight)
            if let first = seen[name] {
                // The assigner's own check, on this name twice.
                do throws(CampaignError) { _ = try VariantAssigner(variants: [variant, variant]) } catch {
                    report(.campaign(error.code),
                           "\(error.detail): '\(name)' is also at line \(first.line), column \(first.column)", at: nameNode.mark)
                }
                valid = false
                continue
            }
            seen[name] = nameNode.mark
            if weight < 0 {
                _ = check(at: weightNode.mark) { () throws(CampaignError) in try VariantAssigner(variants: [variant]) }
                valid = false
                continue
            }
            variants.append(variant)
        }
        guard valid else { return nil }
        do throws(CampaignError) {
            return .some(try VariantAssigner(variants: variants))
        } catch {
            // Left after the checks above: no variants, or every weight 0.
            report(error, at: node.mark)
            return nil
        }
    }

    private mutating func report(_ code: CampaignDiagnostic.Code, _ message: String, at mark: YAMLMark) {
        diagnostics.append(CampaignDiagnostic(code, message, at: mark))
    }
}
