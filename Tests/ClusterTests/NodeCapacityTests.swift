// A parleyd node at `sip.limits.max_calls` behind the Kamailio front of examples/cluster:
// the INVITEs it refuses (503 + Retry-After) fail over to the other node, its OPTIONS
// answers (503 while full) take it out of rotation, and it is back once its calls ended.
import Foundation
import Testing

extension ClusterSuite {
    @Suite("Kamailio dispatcher with a parleyd node at capacity")
    struct NodeCapacityTests {
        @Test("a full node refuses with 503, calls fail over, its probes take it out until a call ends")
        func fullNodeLeavesRotationUntilCallsEnd() async throws {
            let cluster = try ClusterHarness()
            defer { cluster.shutdown() }

            let a = try cluster.makeNode(name: "node-a"), b = try cluster.makeNode(name: "node-b", maxCalls: 2)
            try await cluster.startNodes([a, b])
            try cluster.startKamailio(nodeURIs: [a.uri, b.uri])
            _ = try await cluster.waitForNode(a.uri, active: true, timeoutS: 10)
            _ = try await cluster.waitForNode(b.uri, active: true, timeoutS: 10)

            // Round-robin offers B every other call; it takes 2 and refuses the rest.
            let calls = 10
            try cluster.startTrunk(name: "filling", calls: calls, rate: 20, talkMs: 8000)
            _ = try await cluster.waitUntil("\(calls) calls answered", timeoutS: 20) {
                cluster.answeredCalls(trunk: "filling") == calls
            }
            let refusals = cluster.kamailioLogLines(containing: "failing over to")
            // While full, B's OPTIONS answers are 503: out of rotation.
            let outS = try await cluster.waitForNode(b.uri, active: false, timeoutS: 8)
            let filling = try await cluster.finishTrunk(name: "filling", timeoutS: 30)
            // Its calls ended: 200 to OPTIONS again, back in rotation.
            let backS = try await cluster.waitForNode(b.uri, active: true, timeoutS: 10)
            print("cluster: full node: ok=\(filling.successfulCalls)/\(calls) failed=\(filling.failedCalls)",
                  "A=\(filling.answered(by: a.sipPort)) B=\(filling.answered(by: b.sipPort)) failovers=\(refusals);",
                  String(format: "B inactive %.1f s after the calls were answered, active %.1f s after they ended",
                         outS, backS))

            #expect(filling.successfulCalls == calls)
            #expect(filling.failedCalls == 0)
            #expect(filling.answered(by: b.sipPort) == b.maxCalls)
            #expect(refusals > 0)
            #expect(try cluster.callRecords("node-b").total == b.maxCalls)
        }
    }
}
