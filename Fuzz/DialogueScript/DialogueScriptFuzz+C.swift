// libFuzzer entry point for dialogue scripts: YAML parse → script load → lint → a short
// engine run driven by the script's own intents and DTMF.
// Safety invariants: libFuzzer passes `data` valid for `size` bytes for the duration of
// the call; the bytes are copied into a Swift array before any other work, and the
// pointer is never stored or used after that copy.
// Built by Scripts/fuzz.d/dialogue-script.sh with `swiftc -sanitize=fuzzer,address`
// over Sources/ParleyDialogue (this module) and a ParleyYAML library built the same way.
import ParleyYAML

@_cdecl("LLVMFuzzerTestOneInput")
public func dialogueScriptFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    DialogueScriptFuzz.run(bytes)
    return 0
}

enum DialogueScriptFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let root = try? YAMLLoader.parse(bytes: bytes, path: "fuzz.yaml") else { return }
        let loaded = DialogueLoader.load(root: root, path: "fuzz.yaml")
        guard let script = loaded.script else { return }
        let findings = DialogueLinter(inspector: nil).lint(script)
        for d in findings { _ = d.description }
        guard !script.states.isEmpty else { return }
        var engine = DialogueEngine(script: script, seed: "fuzz")
        var events: [DialogueEvent] = [.callStarted(variables: ["name": "x"])]
        for intent in script.intents.prefix(8) {
            events.append(.intent(DialogueRecognition(intent: intent.name, confidence: 0.9, emotion: "angry")))
            events.append(.promptFinished(playbackID: 1))
        }
        events += [.dtmf("1"), .slotValue("1234"), .timerFired(DialogueTimer(kind: .noInput, generation: 1)),
                   .asrError, .webhookResult(name: "x", succeeded: false, variables: [:]), .callerHungUp]
        for event in events {
            let actions = engine.handle(event)
            for case .play(let p) in actions { _ = engine.handle(.promptFinished(playbackID: p.id)) }
        }
    }
}
