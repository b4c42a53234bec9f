import Foundation
import ParleyRealtime

/// One utterance on the network engine, run on its own thread (blocking socket I/O with
/// short poll timeouts; the media thread only writes the ring).
final class VoskJob: @unchecked Sendable {
    private let session: RecognitionSession
    private let endpoint: WebSocketClient.Endpoint
    private let tls: TLSContext?
    private let configuration: VoskRecognizer.Configuration
    private let upsample: Bool
    private var upsampler = Upsampler2x()
    private var input: [Int16]
    private var output: [Int16]
    private var texts: [String] = []
    private var words: [WordTiming] = []
    private let intentByPhrase: [String: String]
    private static let pollMs = 10

    init(session: RecognitionSession, endpoint: WebSocketClient.Endpoint, tls: TLSContext?,
         configuration: VoskRecognizer.Configuration) {
        self.session = session
        self.endpoint = endpoint
        self.tls = tls
        self.configuration = configuration
        upsample = session.hints.sampleRateHz == 8000 && configuration.serverSampleRateHz == 16000
        let chunk = session.hints.sampleRateHz * configuration.chunkMs / 1000
        input = [Int16](repeating: 0, count: max(chunk, 80))
        output = [Int16](repeating: 0, count: 2 * max(chunk, 80))
        var map: [String: String] = [:]
        for intent in session.hints.intents {
            for example in intent.examples { map[GrammarCompiler.normalize(example).joined(separator: " ")] = intent.name }
        }
        intentByPhrase = map
    }

    func run() {
        do {
            guard let client = try connect() else { return }
            defer { client.close() }
            try stream(client)
        } catch {
            session.emitTerminal(.asrError(error))
        }
    }

    /// Retries until the connect timeout; nil when the utterance was cancelled meanwhile.
    /// A failure no retry can mend (a certificate that does not verify) ends it at once.
    private func connect() throws(SpeechError) -> WebSocketClient? {
        let deadline = ContinuousClock.now + .milliseconds(configuration.connectTimeoutMs)
        var lastError = SpeechError(.connectFailed, "not attempted")
        while ContinuousClock.now < deadline {
            if session.currentControl == .cancelled { return nil }
            let remainingMs = millisecondsUntil(deadline)
            do {
                return try WebSocketClient(endpoint: endpoint, tls: tls, timeoutMs: max(1, remainingMs),
                                           sendTimeoutMs: configuration.responseTimeoutMs)
            } catch {
                guard error.isRetryable else { throw error.error }
                lastError = error.error
                _ = session.wake.wait(timeout: .now() + .milliseconds(min(50, max(1, millisecondsUntil(deadline)))))
            }
        }
        throw SpeechError(.connectFailed, "no server within \(configuration.connectTimeoutMs) ms (\(lastError))")
    }

    private func stream(_ client: WebSocketClient) throws(SpeechError) {
        try client.sendText(VoskMessage.config(
            sampleRateHz: configuration.serverSampleRateHz,
            phrases: session.hints.mode == .grammar ? session.hints.phrases : []))
        var awaitingAnswer = false
        var lastHeard = ContinuousClock.now
        var endOfStreamSent = false
        while true {
            let control = session.currentControl
            if control == .cancelled { return }
            let sent = try sendAvailableAudio(client)
            if sent && !awaitingAnswer { awaitingAnswer = true; lastHeard = ContinuousClock.now }
            if control == .endOfSpeech && !endOfStreamSent && session.ring.availableToRead == 0 {
                try client.sendText(VoskMessage.endOfStream)
                endOfStreamSent = true
                awaitingAnswer = true
                lastHeard = ContinuousClock.now
            }
            if let message = try client.receive(timeoutMs: Self.pollMs) {
                lastHeard = ContinuousClock.now
                awaitingAnswer = false
                if try handle(message, final: endOfStreamSent) { return }
            } else if awaitingAnswer,
                      lastHeard.duration(to: ContinuousClock.now) > .milliseconds(configuration.responseTimeoutMs) {
                throw SpeechError(.timeout, "no answer from the server within \(configuration.responseTimeoutMs) ms")
            }
        }
    }

    /// Sends what the ring holds in chunks; true if anything was sent.
    private func sendAvailableAudio(_ client: WebSocketClient) throws(SpeechError) -> Bool {
        var sent = false
        while true {
            let count = session.ring.read(into: &input)
            if count == 0 { return sent }
            if upsample {
                upsampler.process(input, count: count, into: &output)
                try client.sendPCM(output, count: 2 * count)
            } else {
                try client.sendPCM(input, count: count)
            }
            sent = true
        }
    }

    /// Returns true when the utterance is complete.
    private func handle(_ message: WebSocketClient.Message, final: Bool) throws(SpeechError) -> Bool {
        guard case .text(let text) = message else { return false }
        let parsed: VoskMessage
        do { parsed = try VoskMessage.parse(Array(text.utf8)) } catch {
            throw SpeechError(.protocolViolation, error.reason)
        }
        switch parsed {
        case .partial(let partial):
            // Every server answer is passed on, even with empty text: it shows the engine
            // is alive (the embedded engine only reports changes).
            let joined = (texts + (partial.isEmpty ? [] : [partial])).joined(separator: " ")
            session.emitPartial(RecognitionResult(text: joined, confidence: 0, isFinal: false))
            return false
        case .result(let segment, let segmentWords):
            if !segment.isEmpty { texts.append(segment) }
            words += segmentWords
            guard final else { return false }
            let joined = texts.joined(separator: " ")
            let confidence = words.isEmpty ? 0 : words.map(\.confidence).reduce(0, +) / Double(words.count)
            let grammar = session.hints.mode == .grammar && !intentByPhrase.isEmpty
            let intent = grammar ? intentByPhrase[GrammarCompiler.normalize(joined).joined(separator: " ")] : nil
            session.emitTerminal(.final(RecognitionResult(
                text: joined, words: words, confidence: confidence, isFinal: true,
                isOutOfGrammar: grammar && intent == nil, grammarIntent: intent)))
            return true
        }
    }
}
