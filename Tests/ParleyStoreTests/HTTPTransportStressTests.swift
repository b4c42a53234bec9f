import Foundation
import Testing
@testable import ParleyStore

/// The load that crashed parleyd through URLSession (Repro/urlsession-webhook-stress.swift):
/// many concurrent POSTs to a refused port, to listeners that never answer (accepted or not)
/// and to one whose full backlog drops the SYN (connect timeouts), in rounds.
/// With the own client every request must come back, as a failure, near its timeout.
@Suite(.serialized) struct HTTPTransportStressTests {
    @Test func refusedAndSilentEndpointsUnderLoadAllFailCleanly() async throws {
        let silent = try ScriptedTCPServer(.neverAccept)
        defer { silent.stop() }
        let held = try ScriptedTCPServer(.acceptAndHold)
        defer { held.stop() }
        let dropping = try ScriptedTCPServer(.dropConnects)
        defer { dropping.stop() }
        let refused = try ScriptedTCPServer.refusedPort()
        let transport = HTTPWebhookTransport(configuration: .init(connectTimeoutMs: 300, threadCount: 8))
        let urls = try ["http://127.0.0.1:\(refused)/hook", silent.url, held.url, dropping.url].map { try #require(URL(string: $0)) }
        let rounds = 5, concurrency = 120, timeoutMs = 300
        var tally: [String: Int] = [:]
        let started = ContinuousClock.now
        for _ in 0..<rounds {
            let results = await withTaskGroup(of: TransportResult.self) { group in
                for index in 0..<concurrency {
                    group.addTask {
                        await transport.post(url: urls[index % urls.count], body: Data("{}".utf8), headers: [:],
                                             timeoutMs: timeoutMs)
                    }
                }
                return await group.reduce(into: [TransportResult]()) { $0.append($1) }
            }
            #expect(results.count == concurrency)
            for result in results {
                guard case .failure(let text) = result else {
                    Issue.record("unexpected answer \(result)")
                    continue
                }
                tally[text.contains("refused") ? "refused" : text.hasPrefix("timeout") ? "timeout" : text, default: 0] += 1
            }
            #expect(transport.pool.liveThreads <= transport.configuration.threadCount)
        }
        let elapsed = started.duration(to: .now)
        print("webhook stress: \(rounds)×\(concurrency) POSTs in \(elapsed): \(tally.sorted { $0.key < $1.key })")
        #expect(tally["refused"] == rounds * concurrency / 4)
        #expect(tally["timeout"] == rounds * concurrency * 3 / 4)
        // 8 threads, 90 timeouts of 300 ms per round: about 3.4 s a round; generous bound.
        #expect(elapsed < .seconds(Double(rounds) * 20))
    }
}
