import Dispatch
import Foundation
import ParleySpeech
import Synchronization

/// `parley bench speech [--json] [--fixtures DIR] [--streams N]`: the embedded engine's
/// real-time factor and memory per decoder for each mode, the pool's throughput
/// (concurrent real-time utterances per core), and latency from end of speech to the
/// final result (p50/p95) with streams fed at real-time pace. Uses the espeak-ng μ-law
/// utterances of Scripts/fixtures.d/30-speech.sh (all of them; the tests use them too).
enum BenchSpeech {
    struct Utterance {
        var id: String
        var expected: String
        var samples: [Int16]
        var seconds: Double { Double(samples.count) / 8000 }
    }

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        var fixtures = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: ".data/fixtures")
        var streams = 4
        if let index = arguments.firstIndex(of: "--fixtures"), index + 1 < arguments.count {
            fixtures = URL(fileURLWithPath: arguments[index + 1])
        }
        if let index = arguments.firstIndex(of: "--streams"), index + 1 < arguments.count, let n = Int(arguments[index + 1]) {
            streams = n
        }
        do {
            let (intents, utterances) = try load(fixtures.appendingPathComponent("speech"))
            let report = try measure(intents: intents, utterances: utterances, streams: streams)
            if json {
                let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                printTable(report)
            }
            return 0
        } catch {
            FileHandleOutput.error("parley bench speech: \(error)")
            return 1
        }
    }

    static func load(_ directory: URL) throws -> ([IntentDefinition], [Utterance]) {
        let list = directory.appendingPathComponent("utterances.tsv")
        guard let text = try? String(contentsOf: list, encoding: .utf8) else {
            throw SpeechError(.io, "missing \(list.path): run Scripts/fixtures.sh")
        }
        var utterances: [Utterance] = []
        var phrases: [String: [String]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 5 else { continue }
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("\(fields[0]).s16").path) else {
                throw SpeechError(.io, "missing audio for \(fields[0])")
            }
            var samples = [Int16](repeating: 0, count: data.count / 2)
            for index in samples.indices {
                samples[index] = Int16(bitPattern: UInt16(data[2 * index]) | UInt16(data[2 * index + 1]) << 8)
            }
            utterances.append(Utterance(id: fields[0], expected: fields[1], samples: samples))
            if fields[1] != "oog" { phrases[fields[1], default: []].append(fields[4]) }
        }
        let intents = phrases.keys.sorted().map { IntentDefinition(name: $0, examples: phrases[$0]!, language: "en-US") }
        return (intents, utterances)
    }
}
