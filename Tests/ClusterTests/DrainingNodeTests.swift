// A draining node (503 to OPTIONS and INVITE) behind the Kamailio front of
// examples/cluster: the INVITEs it refuses fail over to the other node, the trunk sees no
// failed call, and the node's probes take it out of rotation.
import Foundation
import Testing

extension ClusterSuite {
    @Suite("Kamailio dispatcher with a draining node")
    struct DrainingNodeTests {
        @Test("503 from a draining node fails over with no failed call; probes take it out")
        func drainingNodeLeavesRotation() async throws {
            let cluster = try ClusterHarness()
            defer { cluster.shutdown() }

            let portA = cluster.allocatePort(), mediaA = cluster.allocatePort(count: 4)
            let portB = cluster.allocatePort(), mediaB = cluster.allocatePort(count: 4)
            let uriA = "sip:127.0.0.1:\(portA)", uriB = "sip:127.0.0.1:\(portB)"
            try cluster.startNode(name: "node-a", sipPort: portA, mediaPort: mediaA)
            try cluster.startNode(name: "node-b", sipPort: portB, mediaPort: mediaB, mode: .draining)
            // Both nodes start active (flags 0 in the list): B is in rotation until its probes fail.
            try cluster.startKamailio(nodeURIs: [uriA, uriB])

            let calls = 40
            try cluster.startTrunk(name: "calls", calls: calls, rate: 20, talkMs: 100)
            let result = try await cluster.finishTrunk(name: "calls", timeoutS: 30)
            let failovers = cluster.kamailioLogLines(containing: "failing over to")
            let outS = try await cluster.waitForNode(uriB, active: false, timeoutS: 10)
            print("cluster: draining node: ok=\(result.successfulCalls)/\(calls) failed=\(result.failedCalls)",
                  "A=\(result.answered(by: portA)) B=\(result.answered(by: portB)) failovers=\(failovers);",
                  String(format: "B inactive %.1f s after the calls ended", outS))

            #expect(result.successfulCalls == calls)
            #expect(result.failedCalls == 0)
            #expect(result.answered(by: portB) == 0)
            // B was tried (and refused) before its probes took it out.
            #expect(failovers > 0)
            #expect(try cluster.dispatcherFlags()[uriA]?.first == "A")
        }
    }
}
