// Requests the Kamailio front of examples/cluster must handle itself: loops (Max-Forwards,
// in front of a parleyd node that must never see them) and a caller that gives up while a
// node rings (CANCEL, to a SIPp stand-in: parleyd does not ring).
import Foundation
import Testing

extension ClusterSuite {
    @Suite("Kamailio front hygiene")
    struct FrontHygieneTests {
        @Test("an INVITE with Max-Forwards 0 gets 483 from the front, not parleyd's 200")
        func maxForwardsExhausted() async throws {
            let cluster = try ClusterHarness()
            defer { cluster.shutdown() }

            let node = try cluster.makeNode(name: "node-a")
            try await cluster.startNode(node)
            try cluster.startKamailio(nodeURIs: [node.uri])

            let calls = 5
            try cluster.startTrunk(name: "looping", scenario: "trunk-max-forwards.xml",
                                   calls: calls, rate: 10, talkMs: 0)
            let result = try await cluster.finishTrunk(name: "looping", timeoutS: 20)
            print("cluster: Max-Forwards 0: 483 for \(result.successfulCalls)/\(calls), failed=\(result.failedCalls)")
            // The scenario succeeds only on 483; a node's 200 would fail it.
            #expect(result.successfulCalls == calls)
            #expect(result.failedCalls == 0)
            // The node never saw them.
            #expect(try cluster.callRecords("node-a").total == 0)
        }

        @Test("a CANCEL reaches the ringing node; the caller gets 200 for it and 487 for the INVITE")
        func cancelWhileRinging() async throws {
            let cluster = try ClusterHarness()
            defer { cluster.shutdown() }

            // parleyd answers at once; a SIPp stand-in rings until the CANCEL arrives.
            let node = try cluster.makeNode(name: "node-a", maxCalls: 2)
            try await cluster.startNode(node, mode: .ringingStandIn)
            try cluster.startKamailio(nodeURIs: [node.uri])

            let calls = 5
            try cluster.startTrunk(name: "cancelling", scenario: "trunk-cancel.xml",
                                   calls: calls, rate: 10, talkMs: 0)
            let result = try await cluster.finishTrunk(name: "cancelling", timeoutS: 20)
            print("cluster: CANCEL while ringing: 487 for \(result.successfulCalls)/\(calls), failed=\(result.failedCalls)")
            // The node sends 487 only after it received the CANCEL; the trunk's scenario
            // succeeds only on 180, 200 (CANCEL) and 487 in that order.
            #expect(result.successfulCalls == calls)
            #expect(result.failedCalls == 0)
        }
    }
}
