import Dispatch
import Foundation
import ParleySpeech
import Synchronization

extension BenchSpeech {
    /// Resident set size in bytes (/proc/self/statm).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    struct Outcome: Sendable {
        var id: String
        var result: RecognizerEvent?
        var latencyMs: Double
    }

    /// Runs one utterance: pushes 20 ms frames (paced to real time or as fast as
    /// possible), signals end of speech and waits for the terminal event.
    static func decode(_ utterance: Utterance, on recognizer: EmbeddedRecognizer, hints: RecognitionHints,
                       paced: Bool) -> Outcome {
        guard let session = try? recognizer.startUtterance(hints) else {
            return Outcome(id: utterance.id, result: nil, latencyMs: 0)
        }
        let done = DispatchSemaphore(value: 0)
        let finished = Mutex<(RecognizerEvent?, ContinuousClock.Instant)>((nil, .now))
        Task.detached {
            let (_, terminal) = await session.terminalEvent()
            let at = ContinuousClock.now
            finished.withLock { $0 = (terminal, at) }
            done.signal()
        }
        let frame = 160
        var next = ContinuousClock.now
        var offset = 0
        while offset < utterance.samples.count {
            let end = min(offset + frame, utterance.samples.count)
            session.push(utterance.samples[offset..<end].span)
            offset = end
            if paced {
                next += .milliseconds(20)
                let wait = ContinuousClock.now.duration(to: next)
                if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)) }
            }
        }
        let endOfSpeech = ContinuousClock.now
        session.endOfSpeech()
        done.wait()
        let (event, at) = finished.withLock { $0 }
        let latency = endOfSpeech.duration(to: at)
        return Outcome(id: utterance.id, result: event,
                       latencyMs: Double(latency.components.seconds) * 1000 + Double(latency.components.attoseconds) / 1e15)
    }

    /// Runs `utterances` on `streams` threads at once; returns outcomes and wall seconds.
    static func runConcurrently(_ utterances: [Utterance], streams: Int, recognizer: EmbeddedRecognizer,
                                hints: RecognitionHints, paced: Bool) -> ([Outcome], Double) {
        let outcomes = Mutex<[Outcome]>([])
        let nextIndex = Atomic<Int>(0)
        let group = DispatchGroup()
        let started = ContinuousClock.now
        for _ in 0..<streams {
            group.enter()
            let thread = Thread {
                while true {
                    let index = nextIndex.add(1, ordering: .relaxed).oldValue
                    guard index < utterances.count else { break }
                    let outcome = decode(utterances[index], on: recognizer, hints: hints, paced: paced)
                    outcomes.withLock { $0.append(outcome) }
                }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        let wall = started.duration(to: .now)
        return (outcomes.withLock { $0 }, Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18)
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))]
    }

    static func measure(intents: [IntentDefinition], utterances: [Utterance], streams: Int) throws -> [String: Any] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var report: [String: Any] = ["utterances": utterances.count, "cores": cores, "streams": streams]
        let audioSeconds = utterances.reduce(0) { $0 + $1.seconds }
        for mode in [RecognitionHints.Mode.grammar, .largeVocabulary] {
            let name = mode == .grammar ? "grammar" : "large_vocabulary"
            let decoders = 2
            let before = residentBytes()
            var configuration = EmbeddedRecognizer.Configuration(
                maximumGrammarDecoders: max(streams, cores * 2, decoders),
                maximumLanguageModelDecoders: max(streams, cores * 2, decoders),
                prewarmGrammarDecoders: mode == .grammar ? decoders : 0, workerThreads: cores)
            configuration.prewarmLanguageModelDecoders = mode == .grammar ? 0 : decoders
            let recognizer = try EmbeddedRecognizer(configuration: configuration)
            let perDecoderMB = Double(residentBytes() - before) / Double(decoders) / 1_048_576
            let hints = RecognitionHints(mode: mode, intents: intents, language: "en-US", sampleRateHz: 8000)
            let subset = mode == .grammar ? utterances : Array(utterances.prefix(12))
            let subsetSeconds = subset.reduce(0) { $0 + $1.seconds }
            // Real-time factor: one stream, audio pushed as fast as possible.
            let (single, singleWall) = runConcurrently(subset, streams: 1, recognizer: recognizer, hints: hints, paced: false)
            // Pool throughput: as many streams as cores × 2, unpaced.
            let (_, poolWall) = runConcurrently(subset, streams: max(2, cores * 2), recognizer: recognizer, hints: hints, paced: false)
            // Latency: `streams` concurrent callers speaking in real time.
            let (paced, _) = runConcurrently(subset, streams: streams, recognizer: recognizer, hints: hints, paced: true)
            let latencies = paced.compactMap { outcome -> Double? in
                guard case .final? = outcome.result else { return nil }
                return outcome.latencyMs
            }
            let failures = paced.count - latencies.count
            if ProcessInfo.processInfo.environment["PARLEY_BENCH_DEBUG"] != nil {
                for outcome in paced { FileHandleOutput.error("\(outcome.id) \(String(describing: outcome.result)) \(outcome.latencyMs)") }
            }
            var correct = 0, inGrammar = 0, rejected = 0, outOfGrammar = 0
            let expected = Dictionary(uniqueKeysWithValues: subset.map { ($0.id, $0.expected) })
            for outcome in single {
                guard case .final(let result)? = outcome.result else { continue }
                if expected[outcome.id] == "oog" {
                    outOfGrammar += 1
                    if result.isOutOfGrammar { rejected += 1 }
                } else {
                    inGrammar += 1
                    if result.grammarIntent == expected[outcome.id] { correct += 1 }
                }
            }
            var entry: [String: Any] = [
                "audio_seconds": subsetSeconds,
                "rtf": singleWall / subsetSeconds,
                "memory_per_decoder_mb": perDecoderMB,
                "pool_realtime_utterances_per_core": subsetSeconds / poolWall / Double(cores),
                "latency_p50_ms": percentile(latencies, 0.5),
                "latency_p95_ms": percentile(latencies, 0.95),
                "latency_streams": streams,
                "latency_failures": failures,
            ]
            if mode == .grammar {
                entry["intent_accuracy"] = inGrammar == 0 ? 0 : Double(correct) / Double(inGrammar)
                entry["oog_rejected"] = outOfGrammar == 0 ? 0 : Double(rejected) / Double(outOfGrammar)
            }
            report[name] = entry
        }
        report["total_audio_seconds"] = audioSeconds
        return report
    }

    static func printTable(_ report: [String: Any]) {
        print("speech bench: \(report["utterances"] ?? 0) utterances, \(report["cores"] ?? 0) cores")
        print("mode               RTF   MB/decoder  utt/core(RT)  p50 ms  p95 ms  accuracy  rejected")
        for name in ["grammar", "large_vocabulary"] {
            guard let entry = report[name] as? [String: Any] else { continue }
            func number(_ key: String) -> Double { entry[key] as? Double ?? 0 }
            print(name.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: "%6.3f  %10.1f  %12.1f  %6.1f  %6.1f", number("rtf"), number("memory_per_decoder_mb"),
                           number("pool_realtime_utterances_per_core"), number("latency_p50_ms"), number("latency_p95_ms"))
                  + (entry["intent_accuracy"] != nil ? String(format: "  %7.0f%%  %7.0f%%", number("intent_accuracy") * 100,
                                                               number("oog_rejected") * 100) : ""))
        }
        print("goal: grammar p95 ≤ 150 ms from end of speech to final result")
    }
}
