// Two parleyd nodes behind the Kamailio front of examples/cluster, SIPp trunks calling
// through it: calls spread over both nodes, a SIGKILLed node costs only its own calls and
// leaves rotation, and when restarted it rejoins and answers 481 to its old dialogs.
// Calls per node are counted twice: by the trunk (the 200's Contact) and in each node's
// own store (`calls` table, `node_id` column), and each node's /metrics names the node.
import Foundation
import Testing

extension ClusterSuite {
    @Suite("Kamailio dispatcher in front of two parleyd nodes")
    struct DispatcherFailoverTests {
        @Test("calls spread, a killed node fails over to the survivor, a restarted node rejoins and answers 481")
        func spreadFailoverRejoin() async throws {
            let cluster = try ClusterHarness()
            defer { cluster.shutdown() }

            let a = try cluster.makeNode(name: "node-a"), b = try cluster.makeNode(name: "node-b")
            let readyS = try await cluster.startNodes([a, b])
            try cluster.startKamailio(nodeURIs: [a.uri, b.uri])
            _ = try await cluster.waitForNode(a.uri, active: true, timeoutS: 10)
            _ = try await cluster.waitForNode(b.uri, active: true, timeoutS: 10)
            print(String(format: "cluster: nodes ready %.1f s / %.1f s after launch", readyS[0], readyS[1]))

            // Long calls (the trunk hangs up after 5 s), all answered before node B dies.
            let longCalls = 20
            try cluster.startTrunk(name: "long", calls: longCalls, rate: 50, talkMs: 5000)
            _ = try await cluster.waitUntil("\(longCalls) long calls answered", timeoutS: 20) {
                cluster.answeredCalls(trunk: "long") == longCalls
            }

            cluster.killNode("node-b")
            let killedAt = Date()
            // New calls from the moment of the kill; meanwhile, how long B stays in rotation.
            let newCalls = 100
            try cluster.startTrunk(name: "after-kill", calls: newCalls, rate: 25, talkMs: 200)
            _ = try await cluster.waitForNode(b.uri, active: false, timeoutS: 15)
            let inactiveS = Date().timeIntervalSince(killedAt)

            let long = try await cluster.finishTrunk(name: "long", timeoutS: 30)
            let afterKill = try await cluster.finishTrunk(name: "after-kill", timeoutS: 60)
            let flagsAfterKill = try cluster.dispatcherFlags()
            let failovers = cluster.kamailioLogLines(containing: "failing over to")
            print("cluster: long calls per node A=\(long.answered(by: a.sipPort)) B=\(long.answered(by: b.sipPort));",
                  "ok=\(long.successfulCalls) failed=\(long.failedCalls)")
            print(String(format: "cluster: B inactive %.2f s after SIGKILL;", inactiveS),
                  "after kill ok=\(afterKill.successfulCalls)/\(newCalls) failed=\(afterKill.failedCalls)",
                  "A=\(afterKill.answered(by: a.sipPort)) B=\(afterKill.answered(by: b.sipPort))",
                  "failovers=\(failovers); flags \(flagsAfterKill)")

            // Spread: round-robin puts calls on both nodes.
            #expect(long.answered(by: a.sipPort) > 0)
            #expect(long.answered(by: b.sipPort) > 0)
            #expect(long.answered(by: a.sipPort) + long.answered(by: b.sipPort) == longCalls)
            // Calls on the survivor finish; only the dead node's calls end.
            #expect(long.successfulCalls == long.answered(by: a.sipPort))
            #expect(long.failedCalls == long.answered(by: b.sipPort))
            // New calls go through the survivor.
            #expect(afterKill.successfulCalls * 100 >= newCalls * 99)
            #expect(afterKill.answered(by: b.sipPort) == 0)
            #expect(flagsAfterKill[b.uri]?.first == "I")
            #expect(flagsAfterKill[a.uri]?.first == "A")

            // Each node's own store: its calls, its node id; no call in both.
            let recordsA = try cluster.callRecords("node-a"), deadB = try cluster.callRecords("node-b")
            print("cluster: stores A \(recordsA.byNodeID) ended=\(recordsA.ended);",
                  "B (killed) \(deadB.byNodeID) ended=\(deadB.ended)")
            #expect(recordsA.byNodeID == ["node-a": long.answered(by: a.sipPort) + afterKill.answered(by: a.sipPort)])
            #expect(recordsA.ended == recordsA.total)
            #expect(deadB.byNodeID == ["node-b": long.answered(by: b.sipPort)])
            // Killed mid-call: B's calls never ended in its store.
            #expect(deadB.ended == 0)
            #expect(recordsA.sipCallIDs.isDisjoint(with: deadB.sipCallIDs))

            // Restarted with the same store, node B answers the probes and is back in rotation.
            let restartReadyS = try await cluster.startNode(b)
            let rejoinS = try await cluster.waitForNode(b.uri, active: true, timeoutS: 15)

            // Requests of its previous life's dialogs, routed through the front: 481.
            let stale = Array(cluster.dialogs(trunk: "long", answeredByPort: b.sipPort).prefix(3))
            #expect(!stale.isEmpty)
            let answered481 = try await cluster.sendStaleRequests(stale)

            // Calls the bot ends: DTMF 2 declines the offer, the bot's BYE follows the route
            // set back through the front (X-Parley-Disposition: declined).
            let rejoinCalls = 10
            try cluster.startTrunk(name: "rejoined", scenario: "trunk-decline.xml", calls: rejoinCalls, rate: 10,
                                   talkMs: 5500, extraArguments: cluster.messageTraceArguments(trunk: "rejoined"))
            let rejoined = try await cluster.finishTrunk(name: "rejoined", timeoutS: 45)
            // The bot's BYE followed the route set: its top Via is the front's.
            let byeVias = cluster.receivedRequestTopVias(trunk: "rejoined", method: "BYE")
            let viaFront = byeVias.filter { $0.contains("127.0.0.1:\(cluster.kamailioPort);") }
            print(String(format: "cluster: node B restarted: ready %.1f s after launch, active %.1f s after ready;",
                         restartReadyS, rejoinS),
                  "stale BYEs answered 481: \(answered481)/\(stale.count);",
                  "declined by the bot ok=\(rejoined.successfulCalls)/\(rejoinCalls)",
                  "(BYE via the front \(viaFront.count)/\(byeVias.count))",
                  "A=\(rejoined.answered(by: a.sipPort)) B=\(rejoined.answered(by: b.sipPort))")
            #expect(answered481 == stale.count)
            #expect(rejoined.successfulCalls == rejoinCalls)
            #expect(byeVias.count >= rejoinCalls)
            #expect(viaFront.count == byeVias.count, "BYE top Vias: \(byeVias)")
            #expect(rejoined.answered(by: a.sipPort) > 0)
            #expect(rejoined.answered(by: b.sipPort) > 0)

            let liveB = try cluster.callRecords("node-b")
            #expect(liveB.byNodeID == ["node-b": long.answered(by: b.sipPort) + rejoined.answered(by: b.sipPort)])
            #expect(liveB.byDisposition["declined"] == rejoined.answered(by: b.sipPort))

            // Metrics are per node: each node counts its own calls and names itself.
            for (name, declined) in [("node-a", rejoined.answered(by: a.sipPort)), ("node-b", rejoined.answered(by: b.sipPort))] {
                let metrics = try await cluster.adminGet(name, "/metrics")
                #expect(metrics.status == 200)
                let samples = metrics.body.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
                let foreign = samples.filter { !$0.contains("node=\"\(name)\"") }
                #expect(!samples.isEmpty)
                // docs/admin.md: every series carries the node label.
                #expect(foreign.isEmpty, "series without node=\"\(name)\": \(foreign.prefix(3))")
                // What parleyd does name: an info series and the status route.
                #expect(samples.contains { $0.hasPrefix("parley_node_info{") && $0.contains("node_id=\"\(name)\"") })
                let status = try await cluster.adminGet(name, "/v1/status")
                #expect(status.body.contains("\"node_id\":\"\(name)\""), "status: \(status.body)")
                let declinedSample = samples.first { $0.hasPrefix("parley_calls_total{") && $0.contains("disposition=\"declined\"") }
                print("cluster: \(name) /metrics: \(samples.count) samples, \(declinedSample ?? "no declined sample")")
                let declinedValue: Double? = declinedSample.flatMap { sample in sample.split(separator: " ").last }
                    .flatMap { value in Double(value) }
                #expect(declinedValue == Double(declined))
            }
        }
    }
}
