import Foundation
import ParleyYAML

/// Reads a scenario file: YAML through ParleyYAML, unknown keys rejected with a
/// suggestion, every value checked, relative paths resolved against the file's folder.
/// All problems are collected and thrown together as a `ScenarioError`.
///
/// With `catalog` (the bot script's prompts; loaded from `script:` when not given),
/// prompt names in `wait` turns and `expect.prompts` must exist in it.
public struct ScenarioLoader {
    static let topKeys = ["scenario", "script", "timeouts", "line", "calls"]
    static let timeoutKeys = ["answer_timeout_ms", "prompt_timeout_ms", "call_timeout_ms"]
    static let lineKeys = ["echo", "noise", "seed"]
    static let echoKeys = ["delay_ms", "return_loss_db"]
    static let noiseKeys = ["kind", "snr_db", "speech_rms"]
    static let callKeys = ["name", "weight", "variables", "headers", "turns", "expect"]
    static let turnKinds = ["wait", "say", "silence_ms", "dtmf", "hangup"]
    static let waitKeys = ["prompt", "after_ms", "timeout_ms"]
    static let dtmfKeys = ["digits", "method"]
    static let expectKeys = ["prompts", "disposition"]

    var errors: [YAMLError] = []
    let folder: String
    var catalog: PromptCatalog?

    /// Loads and validates the scenario at `path`.
    public static func load(path: String, catalog: PromptCatalog? = nil) throws(ScenarioError) -> Scenario {
        let root: YAMLNode
        do { root = try YAMLLoader.load(path: path) } catch { throw ScenarioError([error]) }
        return try parse(root, path: path, catalog: catalog)
    }

    /// Validates scenario YAML text; relative paths resolve against `path`'s folder.
    public static func parse(_ text: String, path: String, catalog: PromptCatalog? = nil) throws(ScenarioError) -> Scenario {
        let root: YAMLNode
        do { root = try YAMLLoader.parse(text, path: path) } catch { throw ScenarioError([error]) }
        return try parse(root, path: path, catalog: catalog)
    }

    static func parse(_ root: YAMLNode, path: String, catalog: PromptCatalog?) throws(ScenarioError) -> Scenario {
        var loader = ScenarioLoader(folder: (path as NSString).deletingLastPathComponent, catalog: catalog)
        let scenario = loader.scenario(root, path: path)
        guard let scenario, loader.errors.isEmpty else { throw ScenarioError(loader.errors) }
        return scenario
    }

    // MARK: - Helpers

    mutating func attempt<T>(_ body: () throws(YAMLError) -> T) -> T? {
        do { return try body() } catch { errors.append(error); return nil }
    }

    mutating func reader(_ node: YAMLNode, _ keys: [String], _ context: String) -> YAMLMappingReader? {
        guard let r = attempt({ () throws(YAMLError) in try YAMLMappingReader(node, allowedKeys: keys, context: context) }) else {
            return nil
        }
        errors.append(contentsOf: r.unknownKeyErrors)
        return r
    }

    mutating func fail(_ code: YAMLError.Code, _ message: String, at mark: YAMLMark) {
        errors.append(YAMLError(code, message, at: mark))
    }

    /// An integer within `range`, or an error naming the key.
    mutating func int(_ node: YAMLNode, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let v = attempt({ () throws(YAMLError) in try node.int() }) else { return nil }
        guard range.contains(v) else {
            fail(.invalidValue, "\(key) must be between \(range.lowerBound) and \(range.upperBound), not \(v)", at: node.mark)
            return nil
        }
        return v
    }

    mutating func double(_ node: YAMLNode, _ key: String, _ range: ClosedRange<Double>) -> Double? {
        guard let v = attempt({ () throws(YAMLError) in try node.double() }) else { return nil }
        guard range.contains(v) else {
            fail(.invalidValue, "\(key) must be between \(range.lowerBound) and \(range.upperBound), not \(v)", at: node.mark)
            return nil
        }
        return v
    }

    func resolve(_ file: String) -> String {
        file.hasPrefix("/") ? file : (folder.isEmpty ? file : folder + "/" + file)
    }

    /// " (did you mean 'x'?)" when a close candidate exists.
    static func suggest(_ value: String, _ candidates: [String]) -> String {
        guard let guess = YAMLMappingReader.suggestion(for: value, among: candidates) else { return "" }
        return "; did you mean '\(guess)'?"
    }
}
