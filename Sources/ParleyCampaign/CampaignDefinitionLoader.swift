import Foundation
import ParleyYAML

/// Reads a campaign definition from YAML (format: docs/campaigns.md) and checks it all,
/// reporting every problem at once as `path:line:col: error: message`. Relative paths in
/// the file (script, contacts, do-not-call file) are resolved against the file's directory;
/// the contact list is parsed with `ContactCSVParser` and its errors carry the CSV's path.
public enum CampaignDefinitionLoader {
    public static let topLevelKeys = ["campaign"]
    public static let campaignKeys = [
        "id", "script", "trunk", "caller_id", "contacts", "time_zone", "pacing", "windows", "retry",
        "do_not_call", "frequency_cap", "ab", "amd", "conversion_tag",
    ]
    public static let pacingKeys = ["max_concurrent_calls", "calls_per_second", "ring_timeout_sec"]
    public static let amdKeys = ["leave_voicemail", "decision_deadline_ms", "initial_silence_ms", "greeting_ms",
                                 "after_greeting_silence_ms"]
    public static let defaultRingTimeoutSec = 30

    public static func load(path: String) throws(CampaignLoadError) -> CampaignDefinition {
        try loadCampaign(path: path).definition
    }

    /// Parses `text` as if read from `path` (which names it in diagnostics and anchors
    /// relative paths).
    public static func load(text: String, path: String) throws(CampaignLoadError) -> CampaignDefinition {
        try loadCampaign(text: text, path: path).definition
    }

    public static func loadCampaign(path: String) throws(CampaignLoadError) -> LoadedCampaign {
        guard let data = FileManager.default.contents(atPath: path) else {
            let mark = YAMLMark(path: path, line: 1, column: 1)
            throw CampaignLoadError([CampaignDiagnostic(.yaml(.unreadableFile), "cannot read file", at: mark)])
        }
        return try loadCampaign(bytes: [UInt8](data), path: path)
    }

    public static func loadCampaign(text: String, path: String) throws(CampaignLoadError) -> LoadedCampaign {
        try loadCampaign(bytes: Array(text.utf8), path: path)
    }

    static func loadCampaign(bytes: [UInt8], path: String) throws(CampaignLoadError) -> LoadedCampaign {
        let root: YAMLNode
        do throws(YAMLError) { root = try YAMLLoader.parse(bytes: bytes, path: path) } catch {
            throw CampaignLoadError([CampaignDiagnostic(error)])
        }
        var reader = CampaignYAMLReader(baseDirectory: CampaignYAMLReader.directory(of: path))
        let loaded = reader.read(root, path: path)
        guard reader.diagnostics.isEmpty, let loaded else {
            throw CampaignLoadError(sorted(reader.diagnostics, campaignPath: path))
        }
        return loaded
    }

    /// The campaign file's diagnostics by position, then the other files' in the order found.
    static func sorted(_ diagnostics: [CampaignDiagnostic], campaignPath: String) -> [CampaignDiagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let ka = (a.element.mark.path == campaignPath ? 0 : 1), kb = (b.element.mark.path == campaignPath ? 0 : 1)
            if ka != kb { return ka < kb }
            if ka == 0, a.element.mark != b.element.mark { return a.element.mark < b.element.mark }
            return a.offset < b.offset
        }.map(\.element)
    }
}
