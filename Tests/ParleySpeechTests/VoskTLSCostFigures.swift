import Foundation
import ParleyRealtime
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import ParleySpeech

/// What TLS costs the network engine, measured against the same test server over ws://
/// and wss:// in one run. Prints figures (JSON line + table); asserts only that every
/// attempt worked — timing targets do not belong in unit tests.
@Suite(.serialized) struct VoskTLSCostFigures {
    static let connectRounds = 30
    static let utteranceRounds = 10

    struct Summary: CustomStringConvertible {
        var samples: [Double]
        func percentile(_ p: Double) -> Double {
            let sorted = samples.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        }
        var description: String { String(format: "p50 %.2f  p90 %.2f  min %.2f ms", percentile(0.5), percentile(0.9), samples.min() ?? 0) }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    @Test func connectAndUtteranceCostOfTLS() async throws {
        let plain = try AsrTestServer()
        defer { plain.kill() }
        let secure = try VoskTLSTests.tlsServer("server")
        defer { secure.kill() }
        let caFile = try VoskTLSTests.file("ca.pem")

        var contextMs = Summary(samples: []), systemContextMs = Summary(samples: [])
        for _ in 0..<5 {
            var started = ContinuousClock.now
            _ = try TLSContext(caFile: caFile)
            contextMs.samples.append(Self.milliseconds(started.duration(to: .now)))
            started = ContinuousClock.now
            _ = try TLSContext(caFile: nil)
            systemContextMs.samples.append(Self.milliseconds(started.duration(to: .now)))
        }

        // TCP connect (+ TLS handshake) + WebSocket opening handshake, alternating so both
        // see the same machine load.
        let plainEndpoint = try WebSocketClient.Endpoint(url: plain.url)
        let secureEndpoint = try WebSocketClient.Endpoint(url: secure.url)
        let context = try TLSContext(caFile: caFile)
        // The client's own CPU time (this thread's) is what TLS costs us independent of
        // the server and of the machine's load.
        var plainConnectMs = Summary(samples: []), secureConnectMs = Summary(samples: [])
        var plainCPUMs = Summary(samples: []), secureCPUMs = Summary(samples: [])
        for _ in 0..<Self.connectRounds {
            for (endpoint, isSecure) in [(plainEndpoint, false), (secureEndpoint, true)] {
                let started = ContinuousClock.now
                let cpuStarted = Self.threadCPUMs()
                let client = try Self.open(endpoint, tls: isSecure ? context : nil)
                let cpu = Self.threadCPUMs() - cpuStarted
                let elapsed = Self.milliseconds(started.duration(to: .now))
                client.close()
                if isSecure {
                    secureConnectMs.samples.append(elapsed)
                    secureCPUMs.samples.append(cpu)
                } else {
                    plainConnectMs.samples.append(elapsed)
                    plainCPUMs.samples.append(cpu)
                }
            }
        }

        // Whole utterances (connect, stream 1.x s of audio, end of stream, final result),
        // timed from the start of the utterance to the final result.
        let overPlain = try VoskRecognizer(configuration: .init(url: plain.url))
        let overTLS = try VoskRecognizer(configuration: .init(url: secure.url, caFile: caFile))
        var plainUtteranceMs = Summary(samples: []), secureUtteranceMs = Summary(samples: [])
        for round in 0..<(Self.utteranceRounds + 1) {
            for (recognizer, isSecure) in [(overPlain, false), (overTLS, true)] {
                let started = ContinuousClock.now
                let event = try await VoskTLSTests.recognize(recognizer, "price-1")
                let elapsed = Self.milliseconds(started.duration(to: .now))
                guard case .final(let result) = event, result.grammarIntent == "how_much" else {
                    Issue.record("utterance failed: \(event)")
                    return
                }
                if round == 0 { continue } // warm-up: the server's first grammar search
                if isSecure { secureUtteranceMs.samples.append(elapsed) } else { plainUtteranceMs.samples.append(elapsed) }
            }
        }

        let json = String(format: """
            {"tls_context_ca_file_ms_p50":%.2f,"tls_context_system_store_ms_p50":%.2f,\
            "connect_ws_ms_p50":%.2f,"connect_wss_ms_p50":%.2f,"connect_ws_ms_p90":%.2f,"connect_wss_ms_p90":%.2f,\
            "connect_ws_ms_min":%.2f,"connect_wss_ms_min":%.2f,\
            "connect_ws_client_cpu_ms_p50":%.3f,"connect_wss_client_cpu_ms_p50":%.3f,\
            "utterance_ws_ms_p50":%.2f,"utterance_wss_ms_p50":%.2f,"utterance_ws_ms_min":%.2f,"utterance_wss_ms_min":%.2f,\
            "rounds":{"connect":%d,"utterance":%d}}
            """, contextMs.percentile(0.5), systemContextMs.percentile(0.5),
            plainConnectMs.percentile(0.5), secureConnectMs.percentile(0.5),
            plainConnectMs.percentile(0.9), secureConnectMs.percentile(0.9),
            plainConnectMs.percentile(0), secureConnectMs.percentile(0),
            plainCPUMs.percentile(0.5), secureCPUMs.percentile(0.5),
            plainUtteranceMs.percentile(0.5), secureUtteranceMs.percentile(0.5),
            plainUtteranceMs.percentile(0), secureUtteranceMs.percentile(0), Self.connectRounds, Self.utteranceRounds)
        print("vosk-tls-cost \(json)")
        print("""
            vosk-tls-cost  TLS context (CA file)      \(contextMs)
            vosk-tls-cost  TLS context (system store) \(systemContextMs)
            vosk-tls-cost  connect ws://              \(plainConnectMs)
            vosk-tls-cost  connect wss://             \(secureConnectMs)
            vosk-tls-cost  client CPU, connect ws://  \(plainCPUMs)
            vosk-tls-cost  client CPU, connect wss:// \(secureCPUMs)
            vosk-tls-cost  utterance ws://            \(plainUtteranceMs)
            vosk-tls-cost  utterance wss://           \(secureUtteranceMs)
            """)
    }

    static func threadCPUMs() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6
    }

    static func open(_ endpoint: WebSocketClient.Endpoint, tls: TLSContext?) throws -> WebSocketClient {
        do {
            return try WebSocketClient(endpoint: endpoint, tls: tls, timeoutMs: 5_000, sendTimeoutMs: 1_000)
        } catch {
            throw error.error
        }
    }
}
