import Foundation
import ParleyDialogue

/// `parley chat FILE` — a text conversation through the live engine and intent resolver.
enum ChatCommand {
    static let usage = """
        usage: parley chat FILE [--var k=v]... [--seed S] [--say TEXT | --dtmf D | --silence | --asr-error | --hangup]... [--json]
          With no scripted turns, reads caller lines from stdin (interactive on a terminal):
          text is spoken, an empty line is silence, /dtmf D, /silence, /asr-error, /hangup, /quit.
        """

    static func run(_ arguments: [String]) -> Int32 {
        var file: String?
        var variables: [String: String] = [:]
        var seed = "chat"
        var turns: [DialogueTestSuite.Turn] = []
        var json = false
        var i = 0
        func value() -> String? {
            i += 1
            return i < arguments.count ? arguments[i] : nil
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--var":
                guard let kv = value(), let eq = kv.firstIndex(of: "=") else { FileHandleOutput.error(usage); return 2 }
                variables[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
            case "--seed": guard let v = value() else { FileHandleOutput.error(usage); return 2 }; seed = v
            case "--say": guard let v = value() else { FileHandleOutput.error(usage); return 2 }; turns.append(.say(v, emotion: nil))
            case "--dtmf": guard let v = value() else { FileHandleOutput.error(usage); return 2 }; turns.append(.dtmf(v))
            case "--silence": turns.append(.silence)
            case "--asr-error": turns.append(.asrError)
            case "--hangup": turns.append(.hangUp)
            case "--json": json = true
            case "-h", "--help": print(usage); return 0
            default:
                if a.hasPrefix("-") || file != nil { FileHandleOutput.error("parley chat: unexpected '\(a)'\n\(usage)"); return 2 }
                file = a
            }
            i += 1
        }
        guard let file else { FileHandleOutput.error(usage); return 2 }
        let loaded = DialogueLinter(inspector: nil).check(path: file)
        guard let script = loaded.script, !loaded.diagnostics.hasErrors else {
            loaded.diagnostics.filter { $0.severity == .error }.forEach { FileHandleOutput.error("\($0)") }
            return 1
        }
        for v in script.variables where variables[v.name] == nil {
            if let example = v.example { variables[v.name] = example }
        }
        let missing = script.missingVariables(in: variables)
        if !missing.isEmpty {
            FileHandleOutput.error("parley chat: warning: no value for \(missing.joined(separator: ", ")) (use --var name=value)")
        }
        var chat = DialogueChatSession(script: script, seed: seed, echo: !json)
        chat.start(variables)
        if !turns.isEmpty {
            for turn in turns where !chat.conversation.isFinished { chat.apply(turn) }
        } else {
            let interactive = isatty(STDIN_FILENO) != 0
            chat.echoCaller = !interactive
            while !chat.conversation.isFinished {
                if interactive { FileHandle.standardOutput.write(Data("you> ".utf8)) }
                guard let line = readLine() else { break }
                if line == "/quit" { break }
                guard let turn = DialogueChatSession.parse(line) else {
                    FileHandleOutput.error("commands: /dtmf D, /silence, /asr-error, /hangup, /quit")
                    continue
                }
                chat.apply(turn)
            }
        }
        chat.finish(json: json)
        return 0
    }
}
