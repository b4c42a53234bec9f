import Foundation
import ParleyYAML

/// The `campaign` mapping: scalar fields, pacing, the contact list, then the sections.
extension CampaignYAMLReader {
    mutating func read(_ root: YAMLNode, path: String) -> LoadedCampaign? {
        if root.isNull {
            report(.missingKey, "the file is empty: expected a 'campaign' mapping", at: root.mark)
            return nil
        }
        let top = section(root, keys: CampaignDefinitionLoader.topLevelKeys, context: "the file")
        guard let c = section(required(top, "campaign", context: "the file"),
                              keys: CampaignDefinitionLoader.campaignKeys, context: "campaign") else { return nil }

        let idNode = required(c, "id", context: "campaign")
        let id = string(idNode, key: "campaign.id")
        if let id, let idNode { _ = check(at: idNode.mark) { () throws(CampaignError) in try CampaignDefinition.validateID(id) } }

        let scriptNode = required(c, "script", context: "campaign")
        var script = string(scriptNode, key: "campaign.script").map(resolve)
        if let path = script, let scriptNode, !FileManager.default.fileExists(atPath: path) {
            report(CampaignError(.invalidDefinition, "script file '\(path)' does not exist"), at: scriptNode.mark)
            script = nil
        }
        let trunk = string(required(c, "trunk", context: "campaign"), key: "campaign.trunk")

        let callerNode = required(c, "caller_id", context: "campaign")
        var callerID = string(callerNode, key: "campaign.caller_id")
        if let text = callerID, let callerNode {
            callerID = check(at: callerNode.mark) { () throws(CampaignError) in try CampaignDefinition.validateCallerID(text) }
        }

        let contactsNode = required(c, "contacts", context: "campaign")
        let contactsPath = string(contactsNode, key: "campaign.contacts").map(resolve)
        var contacts: ContactList?
        if let contactsPath, let contactsNode { contacts = contactList(contactsPath, node: contactsNode) }

        let zoneNode = required(c, "time_zone", context: "campaign")
        let zone = timeZone(zoneNode)

        let pacing = self.pacing(required(c, "pacing", context: "campaign"))
        let schedule = windows(required(c, "windows", context: "campaign"))
        let retry = self.retry(value(c, "retry"))
        let doNotCall = self.doNotCall(value(c, "do_not_call"))
        let frequencyCap = self.frequencyCap(value(c, "frequency_cap"))
        let variants = self.variants(value(c, "ab"))
        let amd = self.amd(value(c, "amd"))
        let conversionTag = string(value(c, "conversion_tag"), key: "campaign.conversion_tag")

        guard diagnostics.isEmpty, let id, let script, let trunk, let callerID, let contactsPath, let contacts,
              let zone, let pacing, let schedule, let retry, let doNotCall, let frequencyCap, let variants,
              let amd else { return nil }
        do throws(CampaignError) {
            let definition = try CampaignDefinition(
                id: id, script: script, trunk: trunk, callerID: callerID, contacts: contactsPath,
                maxConcurrentCalls: pacing.maxConcurrentCalls, callsPerSecond: pacing.callsPerSecond,
                ringTimeoutSec: pacing.ringTimeoutSec, defaultTimeZone: zone, schedule: schedule, retry: retry,
                doNotCall: doNotCall.numbers, frequencyCap: frequencyCap, variants: variants,
                leaveVoicemail: amd.leaveVoicemail, amd: amd.configuration, conversionTag: conversionTag)
            return LoadedCampaign(definition: definition, contacts: contacts, path: path, doNotCallFile: doNotCall.file)
        } catch {
            report(error, at: mark(for: error, in: c))
            return nil
        }
    }

    /// Where an error from `CampaignDefinition.init` belongs: the value it names, else the mapping.
    func mark(for error: CampaignError, in c: YAMLMappingReader) -> YAMLMark {
        let fields: [(String, [String])] = [
            ("id ", ["id"]), ("script", ["script"]), ("trunk", ["trunk"]), ("caller_id", ["caller_id"]),
            ("contacts", ["contacts"]), ("max_concurrent_calls", ["pacing", "max_concurrent_calls"]),
            ("calls_per_second", ["pacing", "calls_per_second"]), ("ring_timeout_sec", ["pacing", "ring_timeout_sec"]),
            ("unknown time zone", ["time_zone"]), ("at least one calling window", ["windows"]),
            ("do_not_call", ["do_not_call"]),
        ]
        for (prefix, keys) in fields where error.detail.hasPrefix(prefix) {
            var node: YAMLNode? = c.node
            for key in keys { node = node?[key] }
            if let node { return node.mark }
        }
        return c.node.mark
    }

    struct Pacing { var maxConcurrentCalls: Int; var callsPerSecond: Double; var ringTimeoutSec: Int }

    mutating func pacing(_ node: YAMLNode?) -> Pacing? {
        let context = "campaign.pacing"
        guard let reader = section(node, keys: CampaignDefinitionLoader.pacingKeys, context: context) else { return nil }
        let concurrentNode = required(reader, "max_concurrent_calls", context: context)
        let rateNode = required(reader, "calls_per_second", context: context)
        let ringNode = value(reader, "ring_timeout_sec")
        var concurrent = int(concurrentNode, key: "\(context).max_concurrent_calls")
        var rate = double(rateNode, key: "\(context).calls_per_second")
        var ring = ringNode == nil ? CampaignDefinitionLoader.defaultRingTimeoutSec : int(ringNode, key: "\(context).ring_timeout_sec")
        if let v = concurrent, let concurrentNode,
           check(at: concurrentNode.mark, { () throws(CampaignError) in try CampaignDefinition.validateMaxConcurrentCalls(v) }) == nil {
            concurrent = nil
        }
        if let v = rate, let rateNode,
           check(at: rateNode.mark, { () throws(CampaignError) in try CampaignDefinition.validateCallsPerSecond(v) }) == nil {
            rate = nil
        }
        if let v = ring, let ringNode,
           check(at: ringNode.mark, { () throws(CampaignError) in try CampaignDefinition.validateRingTimeoutSec(v) }) == nil {
            ring = nil
        }
        guard let concurrent, let rate, let ring else { return nil }
        return Pacing(maxConcurrentCalls: concurrent, callsPerSecond: rate, ringTimeoutSec: ring)
    }

    /// An IANA zone identifier; an unknown one gets a did-you-mean from the known zones.
    mutating func timeZone(_ node: YAMLNode?) -> String? {
        guard let node, let text = string(node, key: "campaign.time_zone") else { return nil }
        do throws(CampaignError) {
            _ = try CampaignDefinition.validateTimeZone(text)
            return text
        } catch {
            var message = error.detail
            if let guess = YAMLMappingReader.suggestion(for: text, among: TimeZone.knownTimeZoneIdentifiers) {
                message += "; did you mean '\(guess)'?"
            }
            diagnostics.append(CampaignDiagnostic(.campaign(error.code), message, at: node.mark))
            return nil
        }
    }

    /// Reads and parses the contact list; its errors are reported in the CSV file.
    mutating func contactList(_ path: String, node: YAMLNode) -> ContactList? {
        guard let data = FileManager.default.contents(atPath: path) else {
            report(.unreadableFile, "cannot read contact list '\(path)'", at: node.mark)
            return nil
        }
        do throws(CampaignError) { return try ContactCSVParser.parse(data) } catch {
            report(error, at: YAMLMark(path: path, line: error.line ?? 1, column: 1))
            return nil
        }
    }
}
