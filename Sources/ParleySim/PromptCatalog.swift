import Foundation
import ParleyYAML

/// The bot script's prompts as the caller needs them: names, recordings and whether
/// they can be interrupted. Read from the script's `prompt_dir` and `prompts:` only, so
/// the simulator stays independent of the dialogue engine; other keys are ignored (the
/// dialogue linter owns the script's validity).
public struct PromptCatalog: Sendable, Equatable {
    /// Absolute (or script-relative) folder of the recordings.
    public var promptDirectory: String
    public var prompts: [Prompt]

    public init(promptDirectory: String, prompts: [Prompt]) {
        self.promptDirectory = promptDirectory
        self.prompts = prompts
    }

    public struct Prompt: Sendable, Equatable {
        public var name: String
        /// False for `barge_in: off`.
        public var interruptible: Bool
        /// At least one; a prompt without `variants:` has one named "default".
        public var variants: [Variant]

        public init(name: String, interruptible: Bool, variants: [Variant]) {
            self.name = name
            self.interruptible = interruptible
            self.variants = variants
        }
    }

    public struct Variant: Sendable, Equatable {
        public var name: String
        public var segments: [Segment]

        public init(name: String, segments: [Segment]) {
            self.name = name
            self.segments = segments
        }
    }

    public enum Segment: Sendable, Equatable {
        /// A fixed recording: its full path.
        case file(String)
        /// A variable spoken at call time (a name, a number): unknown audio to the caller.
        case spoken(variable: String)
    }

    public func prompt(named name: String) -> Prompt? { prompts.first { $0.name == name } }

    /// Reads the prompt section of the dialogue script at `scriptPath`.
    public static func load(scriptPath: String) throws(YAMLError) -> PromptCatalog {
        let root = try YAMLLoader.load(path: scriptPath)
        let folder = (scriptPath as NSString).deletingLastPathComponent
        var dir = "prompts"
        if let n = root["prompt_dir"] { dir = try n.string() }
        let directory = dir.hasPrefix("/") ? dir : (folder.isEmpty ? dir : folder + "/" + dir)
        var prompts: [Prompt] = []
        if let section = root["prompts"] {
            for pair in try section.mapping() {
                let node = pair.value
                var variants: [Variant] = []
                if let v = node["variants"] {
                    for vp in try v.mapping() {
                        variants.append(Variant(name: vp.name, segments: try segments(vp.value, directory)))
                    }
                } else {
                    variants.append(Variant(name: "default", segments: try segments(node, directory)))
                }
                let bargeIn = try node["barge_in"]?.string() ?? "immediate"
                prompts.append(Prompt(name: pair.name, interruptible: bargeIn != "off", variants: variants))
            }
        }
        return PromptCatalog(promptDirectory: directory, prompts: prompts)
    }

    static func segments(_ node: YAMLNode, _ directory: String) throws(YAMLError) -> [Segment] {
        func path(_ file: String) -> String { file.hasPrefix("/") ? file : directory + "/" + file }
        if let f = node["file"] { return [.file(path(try f.string()))] }
        guard let s = node["segments"] else { return [] }
        var out: [Segment] = []
        for item in try s.sequence() {
            if case .scalar = item.content { out.append(.file(path(try item.string()))); continue }
            if let f = item["file"] { out.append(.file(path(try f.string()))) }
            else if let v = item["say"] { out.append(.spoken(variable: try v.string())) }
        }
        return out
    }
}
