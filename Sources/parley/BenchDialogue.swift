import Foundation
import ParleyDialogue
import ParleyYAML

/// `parley bench dialogue [--json] [--states N]` — generates an N-state script (default
/// 500) and times YAML parse, load (YAML → model) and lint. Target: load + lint ≤ 100 ms.
enum BenchDialogue {
    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        var stateCount = 500
        if let i = arguments.firstIndex(of: "--states"), i + 1 < arguments.count, let n = Int(arguments[i + 1]) { stateCount = n }
        let text = DialogueBenchScript.make(stateCount: stateCount)
        let path = "bench-\(stateCount).yaml"
        let iterations = 15
        var parseMs: [Double] = [], loadMs: [Double] = [], lintMs: [Double] = [], totalMs: [Double] = []
        var cpuMs: [Double] = []
        var diagnosticCount = 0
        let linter = DialogueLinter(inspector: nil)
        for _ in 0..<iterations {
            let c0 = DialogueBenchClock.threadCPUNanoseconds()
            let t0 = DispatchTime.now().uptimeNanoseconds
            let root = try? YAMLLoader.parse(text, path: path)
            let t1 = DispatchTime.now().uptimeNanoseconds
            let loaded = root.map { DialogueLoader.load(root: $0, path: path) }
            let t2 = DispatchTime.now().uptimeNanoseconds
            let findings = loaded?.script.map { linter.lint($0) } ?? []
            let t3 = DispatchTime.now().uptimeNanoseconds
            cpuMs.append(Double(DialogueBenchClock.threadCPUNanoseconds() - c0) / 1e6)
            diagnosticCount = (loaded?.diagnostics.count ?? 1) + findings.count
            parseMs.append(Double(t1 - t0) / 1e6)
            loadMs.append(Double(t2 - t1) / 1e6)
            lintMs.append(Double(t3 - t2) / 1e6)
            totalMs.append(Double(t3 - t0) / 1e6)
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let engineNsPerEvent = median((0..<iterations).map { _ in engineRun(text: text, path: path) })
        let result: [String: Any] = [
            "suite": "dialogue", "states": stateCount, "bytes": text.utf8.count, "iterations": iterations,
            "parse_ms_median": median(parseMs), "load_ms_median": median(loadMs), "lint_ms_median": median(lintMs),
            "load_lint_ms_median": median(totalMs), "load_lint_cpu_ms_median": median(cpuMs), "load_lint_ms_min": totalMs.min() ?? 0,
            "engine_ns_per_event_median": engineNsPerEvent,
            "target_ms": 100, "within_target": median(totalMs) <= 100, "diagnostics": diagnosticCount,
        ]
        if json {
            if let data = try? JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .withoutEscapingSlashes]) {
                print(String(decoding: data, as: UTF8.self))
            }
        } else {
            print("dialogue bench: \(stateCount) states, \(text.utf8.count) bytes, \(iterations) runs (median)")
            print(String(format: "  yaml parse   %8.2f ms", median(parseMs)))
            print(String(format: "  load model   %8.2f ms", median(loadMs)))
            print(String(format: "  lint         %8.2f ms", median(lintMs)))
            print(String(format: "  load + lint  %8.2f ms (target ≤ 100 ms; min %.2f ms; CPU %.2f ms)",
                         median(totalMs), totalMs.min() ?? 0, median(cpuMs)))
            print(String(format: "  engine       %8.0f ns per event (a call through every state)", engineNsPerEvent))
            print("  diagnostics  \(diagnosticCount) (expected 0)")
        }
        return 0
    }
}

extension BenchDialogue {

    /// Walks one call through every state (prompt finished, then "yes"); ns per event.
    static func engineRun(text: String, path: String) -> Double {
        guard let script = DialogueLoader.load(text: text, path: path).script else { return 0 }
        var engine = DialogueEngine(script: script, seed: "bench-call")
        var events = 0
        let yes = DialogueEvent.intent(DialogueRecognition(intent: "yes", confidence: 0.9))
        let t0 = DispatchTime.now().uptimeNanoseconds
        _ = engine.handle(.callStarted(variables: ["name": "Alice"]))
        events += 1
        while !engine.isFinished && events < 10_000 {
            _ = engine.handle(.promptFinished(playbackID: engine.playbackID))
            if !engine.isFinished { _ = engine.handle(yes) }
            events += 2
        }
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(events)
    }
}

/// Generates a large, lint-clean script: a chain of listening states with intents,
/// DTMF, escalations and A/B prompts, ending in terminal states.
enum DialogueBenchScript {
    static func make(stateCount: Int) -> String {
        var s = """
            script: bench
            version: 1
            language: en
            variables: [name]
            defaults:
              no_input_timeout_ms: 5000
              hangup_disposition: hung_up
              no_match: {reprompts: [sorry], then: {hangup: no_response}}
              no_input: {reprompts: [sorry], then: {hangup: no_response}}
            tags: [t0, t1, t2, t3]
            dispositions: [done, no_response, hung_up, agent]
            webhooks:
              crm: {url: "https://crm.invalid/hook"}
            intents:
              yes: {examples: [yes, yes please, sure, okay]}
              no: {examples: [no, no thanks, nope, not now]}
              human: {examples: [agent, human please, a person, operator]}
            global:
              - intent: human
                transfer: {uri: "sip:agent@pbx.invalid", disposition: agent}
            prompts:
              sorry: {file: sorry.wav, text: "Sorry, {name}?"}

            """
        let listening = max(1, stateCount - 1)
        for i in 0..<listening {
            s += "  p\(i):\n    barge_in: immediate\n    variants:\n"
            s += "      a: {weight: 1, file: p\(i)a.wav, text: \"Question \(i) for {name}\"}\n"
            s += "      b: {weight: 1, file: p\(i)b.wav, text: \"Item \(i), {name}\"}\n"
        }
        s += "states:\n"
        for i in 0..<listening {
            let next = i + 1 < listening ? "s\(i + 1)" : "end"
            s += """
                  s\(i):
                    play: p\(i)
                    timeout_ms: 4000
                    on:
                      - intent: yes
                        do: [{tag: t\(i % 4)}, {set: {answer\(i): "yes"}}]
                        goto: \(next)
                      - intent: no
                        goto: \(next)
                      - dtmf: "1"
                        do: [{webhook: crm, payload: {step: "\(i)", who: "{name}"}}]
                        goto: \(next)
                    no_match: {reprompts: [sorry, p\(i)], then: {goto: \(next)}}

                """
        }
        s += "  end:\n    play: sorry\n    hangup: done\n"
        return s
    }
}
