import Foundation
import Testing
@testable import ParleySpeech

/// wss:// against the real test server (Scripts/asr-test-server) on 127.0.0.1, with the
/// certificates Scripts/asr-test-server/make-certs.sh generates under .data.
@Suite(.serialized) struct VoskTLSTests {
    static var certificates: URL {
        if let path = ProcessInfo.processInfo.environment["PARLEY_ASR_TLS"] { return URL(fileURLWithPath: path) }
        return SpeechFixtures.repoRoot.appendingPathComponent(".data/asr-test-server/tls")
    }

    /// Path of a generated TLS file; a missing one is a clear failure, never a skip.
    static func file(_ name: String) throws -> String {
        let path = certificates.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw SpeechFixtures.FixtureMissing(description: "missing \(path): run Scripts/asr-test-server/setup.sh")
        }
        return path
    }

    /// A test server speaking wss:// with the certificate `name`.pem and its key.
    static func tlsServer(_ name: String) throws -> AsrTestServer {
        try AsrTestServer(arguments: ["--tls-cert", try file("\(name).pem"), "--tls-key", try file("\(name).key")],
                          scheme: "wss")
    }

    /// Streams a fixture utterance and returns its terminal event.
    static func recognize(_ recognizer: VoskRecognizer, _ fixture: String,
                          mode: RecognitionHints.Mode = .grammar) async throws -> RecognizerEvent {
        let session = try recognizer.startUtterance(try VoskRecognizerTests.hints(mode))
        VoskRecognizerTests.push(try SpeechFixtures.audio(fixture)[...], into: session)
        session.endOfSpeech()
        return try await terminal(of: session, timeoutMs: 15_000).terminal
    }

    /// The asr_error an utterance ends with (nil, recorded as an issue, if it ends otherwise),
    /// and how long after its start it came.
    static func connectError(_ recognizer: VoskRecognizer) async throws -> (SpeechError?, Duration) {
        let started = ContinuousClock.now
        let session = try recognizer.startUtterance(try VoskRecognizerTests.hints(.grammar))
        session.endOfSpeech()
        let event = try await terminal(of: session, timeoutMs: 15_000).terminal
        let elapsed = started.duration(to: ContinuousClock.now)
        guard case .asrError(let error) = event else {
            Issue.record("expected asr_error, got \(event)")
            return (nil, elapsed)
        }
        return (error, elapsed)
    }

    @Test func secureURLsParse() throws {
        let endpoint = try WebSocketClient.Endpoint(url: "wss://asr.example.com/v1")
        #expect(endpoint.isSecure && endpoint.port == 443 && endpoint.host == "asr.example.com" && endpoint.path == "/v1")
        #expect(try !WebSocketClient.Endpoint(url: "ws://127.0.0.1:2700/").isSecure)
        #expect(try WebSocketClient.Endpoint(url: "WSS://127.0.0.1:2701").port == 2701)
    }

    @Test func recognitionOverTLSMatchesPlain() async throws {
        let plain = try AsrTestServer()
        defer { plain.kill() }
        let secure = try Self.tlsServer("server")
        defer { secure.kill() }
        let caFile = try Self.file("ca.pem")
        let overPlain = try VoskRecognizer(configuration: .init(url: plain.url))
        let overTLS = try VoskRecognizer(configuration: .init(url: secure.url, caFile: caFile))
        #expect(overPlain.tls == nil && overTLS.tls != nil)

        for (fixture, mode) in [("price-1", RecognitionHints.Mode.grammar), ("oog-1", .largeVocabulary)] {
            let plainEvent = try await Self.recognize(overPlain, fixture, mode: mode)
            let secureEvent = try await Self.recognize(overTLS, fixture, mode: mode)
            guard case .final(let expected) = plainEvent, case .final(let result) = secureEvent else {
                Issue.record("expected two final results for \(fixture), got \(plainEvent) and \(secureEvent)")
                continue
            }
            #expect(!result.text.isEmpty)
            #expect(result == expected, "\(fixture): wss gave \(result.text), ws gave \(expected.text)")
        }
        // The DNS name on the certificate (SNI and host name check) works as well as the address.
        let byName = try VoskRecognizer(configuration: .init(url: "wss://localhost:\(secure.port)/", caFile: caFile))
        guard case .final(let named) = try await Self.recognize(byName, "price-1") else {
            Issue.record("no final result over wss://localhost")
            return
        }
        #expect(named.grammarIntent == "how_much")
    }

    @Test func certificateFromAnUnknownCAIsRefused() async throws {
        let rogue = try Self.tlsServer("rogue")
        defer { rogue.kill() }
        // Verification failures are not retried until the connect deadline: they end the
        // utterance at once with the verifier's reason.
        let connectTimeoutMs = 20_000
        let recognizer = try VoskRecognizer(configuration: .init(url: rogue.url, connectTimeoutMs: connectTimeoutMs,
                                                                 caFile: try Self.file("ca.pem")))
        let (error, elapsed) = try await Self.connectError(recognizer)
        #expect(error?.code == .connectFailed)
        #expect(error?.context == "TLS handshake with 127.0.0.1:\(rogue.port) failed: certificate verify failed "
                + "(unable to get local issuer certificate)")
        #expect(elapsed < .milliseconds(connectTimeoutMs / 2), "refused after \(elapsed)")

        // Without a CA file the system store is used, which knows neither test CA.
        let server = try Self.tlsServer("server")
        defer { server.kill() }
        let systemStore = try VoskRecognizer(configuration: .init(url: server.url, connectTimeoutMs: connectTimeoutMs))
        let (systemError, _) = try await Self.connectError(systemStore)
        #expect(systemError?.description == "connectFailed: TLS handshake with 127.0.0.1:\(server.port) failed: "
                + "certificate verify failed (unable to get local issuer certificate)")
    }

    @Test func hostNameMismatchIsRefused() async throws {
        // Signed by the trusted test CA, but for DNS:asr.parley.invalid only.
        let server = try Self.tlsServer("other-name")
        defer { server.kill() }
        let caFile = try Self.file("ca.pem")
        let byAddress = try VoskRecognizer(configuration: .init(url: server.url, connectTimeoutMs: 20_000, caFile: caFile))
        let (addressError, _) = try await Self.connectError(byAddress)
        #expect(addressError?.description == "connectFailed: TLS handshake with 127.0.0.1:\(server.port) failed: "
                + "certificate verify failed (IP address mismatch)")

        let byName = try VoskRecognizer(configuration: .init(url: "wss://localhost:\(server.port)/", connectTimeoutMs: 20_000,
                                                             caFile: caFile))
        let (nameError, _) = try await Self.connectError(byName)
        #expect(nameError?.description == "connectFailed: TLS handshake with localhost:\(server.port) failed: "
                + "certificate verify failed (hostname mismatch)")
    }

    @Test func silentTLSServerTimesOutWithinTheConnectDeadline() async throws {
        let silent = try AsrTestServer(arguments: ["--stall"], scheme: "wss")
        defer { silent.kill() }
        let connectTimeoutMs = 800
        let recognizer = try VoskRecognizer(configuration: .init(url: silent.url, connectTimeoutMs: connectTimeoutMs,
                                                                 caFile: try Self.file("ca.pem")))
        let (error, elapsed) = try await Self.connectError(recognizer)
        #expect(error?.code == .connectFailed)
        #expect(error?.context.hasPrefix("no server within \(connectTimeoutMs) ms") == true)
        #expect(error?.context.contains("TLS handshake with 127.0.0.1:\(silent.port): no answer before the connect deadline")
                == true, "\(String(describing: error))")
        #expect(elapsed >= .milliseconds(connectTimeoutMs - 50) && elapsed <= .milliseconds(connectTimeoutMs + 500),
                "asr_error after \(elapsed)")
    }

    @Test func plainWebSocketStillWorksAndWSSToItTimesOut() async throws {
        let plain = try AsrTestServer()
        defer { plain.kill() }
        let recognizer = try VoskRecognizer(configuration: .init(url: plain.url))
        guard case .final(let result) = try await Self.recognize(recognizer, "stop-1") else {
            Issue.record("no final result over ws://")
            return
        }
        #expect(result.grammarIntent == "stop_calling")

        // wss:// to a plain WebSocket server: it reads the ClientHello as the start of an
        // HTTP request and either waits for the rest (no answer before the deadline) or
        // rejects it and closes; both end in a connect failure naming the TLS handshake.
        let mistaken = try VoskRecognizer(configuration: .init(url: "wss://127.0.0.1:\(plain.port)/", connectTimeoutMs: 1_000,
                                                               caFile: try Self.file("ca.pem")))
        let (error, _) = try await Self.connectError(mistaken)
        #expect(error?.code == .connectFailed)
        let context = error?.context ?? ""
        #expect(context.hasPrefix("no server within 1000 ms") && (
            context.contains("TLS handshake with 127.0.0.1:\(plain.port): no answer before the connect deadline")
            || context.contains("TLS handshake with 127.0.0.1:\(plain.port) failed: the server closed the connection")),
                "\(context)")
    }

    @Test func killedTLSServerProducesAsrErrorWithinTheTimeout() async throws {
        let server = try Self.tlsServer("server")
        let timeoutMs = 1_500
        let recognizer = try VoskRecognizer(configuration: .init(url: server.url, connectTimeoutMs: 1_000,
                                                                 responseTimeoutMs: timeoutMs, caFile: try Self.file("ca.pem")))
        let audio = try SpeechFixtures.audio("yes-2")
        let session = try recognizer.startUtterance(try VoskRecognizerTests.hints(.grammar))
        VoskRecognizerTests.push(audio[..<(audio.count / 2)], into: session)
        var iterator = session.events.makeAsyncIterator()
        guard case .partial? = await iterator.next() else { // connected over TLS and answered
            Issue.record("the server did not answer")
            server.kill()
            return
        }
        server.kill()
        let killedAt = ContinuousClock.now
        VoskRecognizerTests.push(audio[(audio.count / 2)...], into: session)
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
        #expect([.connectionLost, .timeout].contains(error.code), "\(error)")
        #expect(elapsed <= .milliseconds(timeoutMs + 500), "asr_error after \(elapsed)")
    }

    @Test func unreadableCAFileFailsAtConstruction() throws {
        #expect {
            try VoskRecognizer(configuration: .init(url: "wss://127.0.0.1:2700/", caFile: "/nonexistent/ca.pem"))
        } throws: { error in
            guard let error = error as? SpeechError else { return false }
            return error.code == .engineUnavailable && error.context.hasPrefix("TLS: cannot load the CA file /nonexistent/ca.pem")
        }
        // A ws:// URL never loads TLS material.
        #expect(try VoskRecognizer(configuration: .init(url: "ws://127.0.0.1:2700/", caFile: "/nonexistent/ca.pem")).tls == nil)
    }
}
