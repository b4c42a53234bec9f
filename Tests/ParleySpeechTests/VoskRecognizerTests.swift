import Foundation
import Testing
@testable import ParleySpeech

/// The network engine against a real Vosk-protocol server (Scripts/asr-test-server).
@Suite(.serialized) struct VoskRecognizerTests {
    static func hints(_ mode: RecognitionHints.Mode) throws -> RecognitionHints {
        RecognitionHints(mode: mode, intents: try SpeechFixtures.e2eIntents(), language: "en-US", sampleRateHz: 8000)
    }

    static func push(_ samples: ArraySlice<Int16>, into session: RecognitionSession) {
        var offset = samples.startIndex
        while offset < samples.endIndex {
            let end = min(offset + 160, samples.endIndex)
            session.push(Array(samples[offset..<end]))
            offset = end
        }
    }

    @Test func partialAndFinalResultsArrive() async throws {
        let server = try AsrTestServer()
        defer { server.kill() }
        let recognizer = try VoskRecognizer(configuration: .init(url: server.url))
        let audio = try SpeechFixtures.audio("price-1")

        let grammar = try recognizer.startUtterance(try Self.hints(.grammar))
        Self.push(audio[...], into: grammar)
        grammar.endOfSpeech()
        let (_, event) = try await terminal(of: grammar, timeoutMs: 15_000)
        guard case .final(let result) = event else { Issue.record("expected a final result, got \(event)"); return }
        #expect(result.text == "how much is it")
        #expect(result.grammarIntent == "how_much")
        #expect(result.words.map(\.word) == ["how", "much", "is", "it"])
        #expect(result.words.allSatisfy { $0.endMs > $0.startMs })

        let open = try recognizer.startUtterance(try Self.hints(.largeVocabulary))
        Self.push(try SpeechFixtures.audio("oog-1")[...], into: open)
        open.endOfSpeech()
        let (partials, openEvent) = try await terminal(of: open, timeoutMs: 15_000)
        #expect(partials.contains { !$0.text.isEmpty }, "no partial result with text arrived")
        guard case .final(let openResult) = openEvent else { Issue.record("expected a final result, got \(openEvent)"); return }
        #expect(!openResult.text.isEmpty)
    }

    @Test func killedServerProducesAsrErrorWithinTheTimeout() async throws {
        let server = try AsrTestServer()
        let timeoutMs = 1_500
        let recognizer = try VoskRecognizer(configuration: .init(url: server.url, connectTimeoutMs: 1_000,
                                                                 responseTimeoutMs: timeoutMs))
        let audio = try SpeechFixtures.audio("yes-2")
        let session = try recognizer.startUtterance(try Self.hints(.grammar))
        Self.push(audio[..<(audio.count / 2)], into: session)
        // Wait until the server answered once, so the kill lands mid-utterance.
        var iterator = session.events.makeAsyncIterator()
        guard case .partial? = await iterator.next() else {
            Issue.record("the server did not answer")
            return
        }
        server.kill()
        let killedAt = ContinuousClock.now
        Self.push(audio[(audio.count / 2)...], into: session)
        session.endOfSpeech()
        var terminalEvent: RecognizerEvent?
        while let event = await iterator.next() {
            if case .partial = event { continue }
            terminalEvent = event
            break
        }
        let elapsed = killedAt.duration(to: ContinuousClock.now)
        guard case .asrError(let error)? = terminalEvent else {
            Issue.record("expected asr_error, got \(String(describing: terminalEvent))")
            return
        }
        #expect([.connectionLost, .timeout].contains(error.code))
        #expect(elapsed <= .milliseconds(timeoutMs + 500), "asr_error after \(elapsed)")
    }

    @Test func hungServerProducesTimeoutError() async throws {
        let server = try AsrTestServer()
        defer { server.kill() }
        let timeoutMs = 800
        let recognizer = try VoskRecognizer(configuration: .init(url: server.url, responseTimeoutMs: timeoutMs))
        let session = try recognizer.startUtterance(try Self.hints(.grammar))
        var iterator = session.events.makeAsyncIterator()
        Self.push(try SpeechFixtures.audio("no-1")[..<1600], into: session)
        guard case .partial? = await iterator.next() else { // connected and answered
            Issue.record("the server did not answer")
            return
        }
        server.pause()
        let pausedAt = ContinuousClock.now
        session.endOfSpeech()
        var terminalEvent: RecognizerEvent?
        while let event = await iterator.next() {
            if case .partial = event { continue }
            terminalEvent = event
            break
        }
        let elapsed = pausedAt.duration(to: ContinuousClock.now)
        #expect(terminalEvent?.eventName == "asr_error")
        if case .asrError(let error)? = terminalEvent { #expect(error.code == .timeout) }
        #expect(elapsed >= .milliseconds(timeoutMs - 50) && elapsed <= .milliseconds(timeoutMs + 1_000), "after \(elapsed)")
    }

    @Test func restartedServerIsUsedAgain() async throws {
        let first = try AsrTestServer()
        let port = first.port
        let recognizer = try VoskRecognizer(configuration: .init(url: first.url, connectTimeoutMs: 500))
        first.kill()

        let refused = try recognizer.startUtterance(try Self.hints(.grammar))
        refused.endOfSpeech()
        let (_, refusedEvent) = try await terminal(of: refused, timeoutMs: 5_000)
        guard case .asrError(let error) = refusedEvent else { Issue.record("expected asr_error"); return }
        #expect(error.code == .connectFailed)

        let second = try AsrTestServer(port: port)
        defer { second.kill() }
        let session = try recognizer.startUtterance(try Self.hints(.grammar))
        Self.push(try SpeechFixtures.audio("stop-1")[...], into: session)
        session.endOfSpeech()
        let (_, event) = try await terminal(of: session, timeoutMs: 15_000)
        guard case .final(let result) = event else { Issue.record("expected a final result, got \(event)"); return }
        #expect(result.grammarIntent == "stop_calling")
    }
}

extension VoskRecognizerTests {
    /// A dead engine never stalls the producer: the ring fills, drops and counts.
    @Test func deadEngineDropsAudioInsteadOfBlocking() async throws {
        let recognizer = try VoskRecognizer(configuration: .init(url: "ws://127.0.0.1:1/", connectTimeoutMs: 300,
                                                                 ringCapacityMs: 100))
        let session = try recognizer.startUtterance(RecognitionHints(sampleRateHz: 8000))
        let frame = [Int16](repeating: 1000, count: 160)
        var accepted = 0
        for _ in 0..<50 { accepted += session.push(frame) }
        #expect(accepted <= 1024)
        #expect(session.droppedSamples == 50 * 160 - accepted)
        session.endOfSpeech()
        let (_, event) = try await terminal(of: session, timeoutMs: 5_000)
        guard case .asrError(let error) = event else { Issue.record("expected asr_error, got \(event)"); return }
        #expect(error.code == .connectFailed)
    }
}
