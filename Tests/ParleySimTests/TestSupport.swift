import Foundation
import ParleyCodecs
@testable import ParleySim

enum TestPaths {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = here.appendingPathComponent("Fixtures").path
    static let repo = here.deletingLastPathComponent().deletingLastPathComponent().path
    static let demoScript = repo + "/examples/demo/member-care.yaml"
    static func fixture(_ name: String) -> String { fixtures + "/" + name }
    static func example(_ name: String) -> String { repo + "/examples/" + name }
    static func speech(_ name: String) -> String { repo + "/examples/sim/speech/" + name }
}

struct MissingFixture: Error, CustomStringConvertible {
    var path: String
    var description: String { "missing fixture \(path): run examples/sim/make-speech.sh / examples/demo/make-prompts.sh" }
}

/// Loads PCM at 8 kHz, failing clearly when the file is missing.
func pcm(_ path: String) throws -> [Int16] {
    guard FileManager.default.fileExists(atPath: path) else { throw MissingFixture(path: path) }
    return try PromptLoader(sampleRateHz: 8_000).load(path: path).samples
}

/// Demo catalog and recognizer, built once (fingerprinting is set-up work).
enum Demo {
    static let catalog: PromptCatalog = {
        do { return try PromptCatalog.load(scriptPath: TestPaths.demoScript) } catch { fatalError("\(error)") }
    }()
    static let recognizer: PromptRecognizer = {
        do { return try PromptRecognizer(catalog: catalog) } catch { fatalError("\(error)") }
    }()

    /// A prompt as the bot would play it: the first variant's recordings, spoken variables
    /// from the demo's name and number recordings (Maria, twenty).
    static func render(_ name: String, variant: Int = 0) throws -> [Int16] {
        guard let prompt = catalog.prompt(named: name) else { throw MissingFixture(path: "prompt \(name)") }
        var out: [Int16] = []
        for segment in prompt.variants[variant].segments {
            switch segment {
            case .file(let path): out += try pcm(path)
            case .spoken(let variable):
                let file = variable == "name" ? "names/maria.wav" : "say/twenty.wav"
                out += try pcm(catalog.promptDirectory + "/" + file)
            }
        }
        return out
    }
}

/// Through G.711 μ-law and back.
func muLaw(_ samples: [Int16]) -> [Int16] { samples.map { G711.decodeMuLaw(G711.encodeMuLaw($0)) } }

/// Adds white noise at `snrDb` below the signal's active RMS (deterministic).
func addNoise(_ samples: [Int16], snrDb: Double, seed: UInt64 = 7) -> [Int16] {
    let rms = LineModel.rms(samples)
    var line = LineModel(configuration: LineConfiguration(noise: .init(kind: .white, snrDb: snrDb, speechRmsLevel: rms), seed: seed))
    var out = samples
    var span = out.mutableSpan
    line.transmit(&span)
    return out
}

func silence(ms: Int) -> [Int16] { [Int16](repeating: 0, count: ms * 8) }

/// Feeds audio in 20 ms frames and collects the events.
func recognize(_ samples: [Int16], with recognizer: PromptRecognizer = Demo.recognizer) -> [PromptRecognizer.Event] {
    var r = recognizer
    var events: [PromptRecognizer.Event] = []
    var i = 0
    while i < samples.count {
        let frame = Array(samples[i..<min(samples.count, i + 160)])
        r.process(frame.span)
        while let e = r.nextEvent() { events.append(e) }
        i += 160
    }
    return events
}

extension PromptRecognizer.Event {
    var start: PromptRecognizer.Start? { if case .started(let s) = self { return s } else { return nil } }
    var end: PromptRecognizer.End? { if case .ended(let e) = self { return e } else { return nil } }
}
