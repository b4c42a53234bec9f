import Foundation
import Testing
@testable import ParleyDialogue

@Suite struct ABAndReloadTests {
    static let abScript = """
        script: ab
        version: "1"
        dispositions: [done]
        prompts:
          offer:
            variants:
              a: {weight: 90, file: a.wav, text: "Offer A"}
              b: {weight: 10, file: b.wav, text: "Offer B"}
        states:
          s: {play: offer, hangup: done}
        """

    func variant(_ script: DialogueScript, seed: String) -> String? {
        var engine = DialogueEngine(script: script, seed: seed)
        for action in engine.handle(.callStarted(variables: [:])) {
            if case .play(let p) = action { return p.prompts.first?.variant }
        }
        return nil
    }

    @Test func variantDependsOnlyOnTheSeed() throws {
        let script = try loadScript(Self.abScript)
        for i in 0..<50 {
            let seed = "call-\(i)"
            #expect(variant(script, seed: seed) == variant(script, seed: seed))
        }
    }

    @Test func variantsFollowTheirWeights() throws {
        let script = try loadScript(Self.abScript)
        let aCount = (0..<2000).filter { variant(script, seed: "call-\($0)") == "a" }.count
        #expect((1700...1900).contains(aCount), "variant a chosen \(aCount) times of 2000 for weight 90 %")
    }

    @Test func newVersionsApplyToNewCallsOnly() throws {
        let registry = DialogueScriptRegistry(linter: DialogueLinter(inspector: nil))
        let v1 = Self.abScript
        let v2 = v1.replacingOccurrences(of: "version: \"1\"", with: "version: \"2\"")
            .replacingOccurrences(of: "Offer A", with: "New offer A").replacingOccurrences(of: "Offer B", with: "New offer B")
        let first = try registry.install(text: v1, path: "ab.yaml")
        #expect(first.generation == 1)
        var inProgress = try #require(registry.startCall(script: "ab", seed: "call-1"))
        let second = try registry.install(text: v2, path: "ab.yaml")
        #expect(second.generation == 2)
        var newCall = try #require(registry.startCall(script: "ab", seed: "call-1"))
        let oldText = inProgress.handle(.callStarted(variables: [:])).compactMap { a -> String? in
            if case .play(let p) = a { return p.text } else { return nil }
        }
        let newText = newCall.handle(.callStarted(variables: [:])).compactMap { a -> String? in
            if case .play(let p) = a { return p.text } else { return nil }
        }
        #expect(oldText.first?.hasPrefix("Offer") == true)
        #expect(newText.first?.hasPrefix("New offer") == true)
        #expect(inProgress.script.version == "1")
        #expect(newCall.script.version == "2")
    }

    @Test func aVersionWithLintErrorsIsRejectedAndTheOldOneKeepsServing() throws {
        let registry = DialogueScriptRegistry(linter: DialogueLinter(inspector: nil))
        try registry.install(text: Self.abScript, path: "ab.yaml")
        let broken = Self.abScript.replacingOccurrences(of: "hangup: done", with: "next: nowhere")
        #expect(throws: DialogueScriptRegistry.InstallError.self) {
            try registry.install(text: broken, path: "ab.yaml")
        }
        do {
            try registry.install(text: broken, path: "ab.yaml")
        } catch .rejected(let diagnostics) {
            #expect(diagnostics.map(\.description) == ["ab.yaml:10:26: error: state 'nowhere' is not defined [undefined-state]"])
        }
        #expect(registry.script(named: "ab")?.generation == 1)
        #expect(registry.script(named: "ab")?.script.version == "1")
    }
}
