import Foundation
@testable import ParleyDialogue

/// Paths of fixtures and examples, from this file's location.
enum TestPaths {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = here.appendingPathComponent("Fixtures").path
    static let repo = here.deletingLastPathComponent().deletingLastPathComponent().path

    static func fixture(_ name: String) -> String { fixtures + "/" + name }
    static func example(_ name: String) -> String { repo + "/examples/" + name }
}

/// Loads script text that must be free of load errors (lint ignored).
func loadScript(_ text: String, path: String = "/tmp/inline.yaml") throws -> DialogueScript {
    let result = DialogueLoader.load(text: text, path: path)
    let errors = result.diagnostics.filter { $0.severity == .error }
    guard let script = result.script, errors.isEmpty else {
        throw ScriptLoadFailure(diagnostics: result.diagnostics.map(\.description))
    }
    return script
}

struct ScriptLoadFailure: Error, CustomStringConvertible {
    var diagnostics: [String]
    var description: String { diagnostics.joined(separator: "\n") }
}

/// Names of the prompts in the actions' playbacks.
func playedPrompts(_ actions: [DialogueAction]) -> [String] {
    actions.flatMap { action -> [String] in
        if case .play(let p) = action { return p.prompts.map(\.name) }
        return []
    }
}

func lastPlaybackID(_ actions: [DialogueAction]) -> Int? {
    actions.compactMap { action -> Int? in
        if case .play(let p) = action { return p.id }
        return nil
    }.last
}

func startedTimer(_ actions: [DialogueAction]) -> DialogueTimer? {
    actions.compactMap { action -> DialogueTimer? in
        if case .startTimer(let t, _) = action { return t }
        return nil
    }.last
}

func enteredStates(_ actions: [DialogueAction]) -> [String] {
    actions.compactMap { action -> String? in
        if case .enteredState(let s) = action { return s }
        return nil
    }
}
