// A parleyd node drained with SIGTERM behind the Kamailio front of examples/cluster: its
// calls in progress finish, the INVITEs it refuses with 503 fail over to the other node,
// its 503 probes take it out of rotation, and it exits 0 once its last call ended. The
// trunks see no failed call.
import Foundation
import Testing

extension ClusterSuite {
    @Suite("Kamailio dispatcher with a draining parleyd node")
    struct DrainingNodeTests {
        @Test("SIGTERM: calls on the node finish, new calls fail over, no failed call, exit 0")
        func drainingNodeLeavesRotation() async throws {
            let cluster = try ClusterHarness()
            defer { cluster.shutdown() }

            let a = try cluster.makeNode(name: "node-a"), b = try cluster.makeNode(name: "node-b")
            try await cluster.startNodes([a, b])
            try cluster.startKamailio(nodeURIs: [a.uri, b.uri])
            _ = try await cluster.waitForNode(a.uri, active: true, timeoutS: 10)
            _ = try await cluster.waitForNode(b.uri, active: true, timeoutS: 10)

            // Calls in progress on both nodes when B is told to drain (the trunk hangs up after 6 s).
            let talkingCalls = 10
            try cluster.startTrunk(name: "talking", calls: talkingCalls, rate: 20, talkMs: 6000)
            _ = try await cluster.waitUntil("\(talkingCalls) calls answered", timeoutS: 20) {
                cluster.answeredCalls(trunk: "talking") == talkingCalls
            }
            try cluster.terminateNode("node-b")
            let terminatedAt = Date()
            // New calls while B drains: round-robin still picks B until its probes fail.
            let newCalls = 30
            try cluster.startTrunk(name: "during-drain", calls: newCalls, rate: 10, talkMs: 300)
            _ = try await cluster.waitForNode(b.uri, active: false, timeoutS: 15)
            let inactiveS = Date().timeIntervalSince(terminatedAt)
            let exit = try await cluster.waitForExit("node-b", timeoutS: 45)
            let exitS = Date().timeIntervalSince(terminatedAt)

            let talking = try await cluster.finishTrunk(name: "talking", timeoutS: 30)
            let during = try await cluster.finishTrunk(name: "during-drain", timeoutS: 30)
            let failovers = cluster.kamailioLogLines(containing: "failing over to")
            let records = try cluster.callRecords("node-b")
            print("cluster: draining node: talking ok=\(talking.successfulCalls)/\(talkingCalls)",
                  "failed=\(talking.failedCalls) (A=\(talking.answered(by: a.sipPort)) B=\(talking.answered(by: b.sipPort)));",
                  "during drain ok=\(during.successfulCalls)/\(newCalls) failed=\(during.failedCalls)",
                  "A=\(during.answered(by: a.sipPort)) B=\(during.answered(by: b.sipPort)) failovers=\(failovers)")
            print(String(format: "cluster: B inactive %.1f s after SIGTERM, exited with status %d %.1f s after SIGTERM;",
                         inactiveS, exit.status, exitS),
                  "B's store \(records.byNodeID) ended=\(records.ended) \(records.byDisposition)")

            #expect(talking.answered(by: b.sipPort) > 0)
            #expect(talking.successfulCalls == talkingCalls)
            #expect(talking.failedCalls == 0)
            #expect(during.successfulCalls == newCalls)
            #expect(during.failedCalls == 0)
            #expect(during.answered(by: b.sipPort) == 0)
            #expect(exit.status == 0)
            // B's calls all ended in its store, none cut short by the drain deadline.
            #expect(records.byNodeID == ["node-b": talking.answered(by: b.sipPort)])
            #expect(records.ended == records.total)
            #expect(records.byDisposition["drained"] == nil)
            #expect(try cluster.dispatcherFlags()[a.uri]?.first == "A")
        }
    }
}
