import Foundation
import ParleyDialogue

/// The printing side of `parley chat`: applies turns, echoes prompts and states.
struct DialogueChatSession {
    var conversation: DialogueConversation
    let echo: Bool
    /// Print the caller's turns (off when they were just typed at a terminal).
    var echoCaller = true

    init(script: DialogueScript, seed: String, echo: Bool) {
        conversation = DialogueConversation(script: script, seed: seed, resolver: DialogueResolverFactory.make(for: script))
        self.echo = echo
    }

    mutating func start(_ variables: [String: String]) {
        show(conversation.start(variables: variables))
    }

    static func parse(_ line: String) -> DialogueTestSuite.Turn? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "/silence" { return .silence }
        if trimmed == "/hangup" { return .hangUp }
        if trimmed == "/asr-error" { return .asrError }
        if trimmed.hasPrefix("/dtmf ") { return .dtmf(String(trimmed.dropFirst(6)).trimmingCharacters(in: .whitespaces)) }
        if trimmed.hasPrefix("/") { return nil }
        return .say(trimmed, emotion: nil)
    }

    mutating func apply(_ turn: DialogueTestSuite.Turn) {
        switch turn {
        case .say(let text, let emotion):
            if echo && echoCaller { print("caller: \(text)") }
            show(conversation.say(text, emotion: emotion))
        case .dtmf(let d):
            if echo && echoCaller { print("caller: [dtmf \(d)]") }
            show(conversation.dtmf(d))
        case .silence:
            if echo && echoCaller { print("caller: [silence]") }
            show(conversation.silence())
        case .asrError:
            if echo && echoCaller { print("caller: [asr error]") }
            show(conversation.asrError())
        case .hangUp:
            if echo && echoCaller { print("caller: [hangs up]") }
            show(conversation.hangUp())
        }
    }

    func show(_ actions: [DialogueAction]) {
        guard echo else { return }
        for action in actions {
            switch action {
            case .enteredState(let s): print("  [state \(s)]")
            case .play(let p):
                for prompt in p.prompts {
                    let variant = prompt.variant == "default" ? "" : " (variant \(prompt.variant))"
                    print("bot: \(prompt.text)\(variant)")
                }
            case .addTag(let t): print("  [tag \(t)]")
            case .webhook(let name, _, _, _): print("  [webhook \(name)]")
            case .transfer(let uri, let d): print("  [transfer to \(uri), disposition \(d)]")
            case .hangUp(let d): print("  [hang up, disposition \(d)]")
            case .callEnded(let d): print("  [caller hung up, disposition \(d)]")
            default: break
            }
        }
    }

    func finish(json: Bool) {
        let t = conversation.transcript
        if json {
            let object: [String: Any] = [
                "path": t.path,
                "tags": t.tags,
                "disposition": t.disposition ?? NSNull(),
                "prompts": t.prompts.map { ["name": $0.name, "variant": $0.variant, "text": $0.text, "files": $0.files] as [String: Any] },
                "webhooks": t.webhooks,
            ]
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
                print(String(decoding: data, as: UTF8.self))
            }
        } else {
            print("path: \(t.path.joined(separator: " → "))")
            print("tags: \(t.tags.joined(separator: ", "))")
            print("disposition: \(t.disposition ?? "none (call still open)")")
        }
    }
}
