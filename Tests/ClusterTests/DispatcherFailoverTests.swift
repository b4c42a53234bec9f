// Two nodes behind the Kamailio front of examples/cluster, a SIPp trunk calling through
// it: calls spread over both nodes, a SIGKILLed node costs only its own calls and leaves
// rotation, and it rejoins when restarted. The nodes are launched by `nodeCommand`.
import Foundation
import Testing

extension ClusterSuite {
    @Suite("Kamailio dispatcher in front of two nodes")
    struct DispatcherFailoverTests {
        @Test("calls spread, a killed node fails over to the survivor, a restarted node rejoins")
        func spreadFailoverRejoin() async throws {
            let cluster = try ClusterHarness()
            defer { cluster.shutdown() }

            let portA = cluster.allocatePort(), mediaA = cluster.allocatePort(count: 4)
            let portB = cluster.allocatePort(), mediaB = cluster.allocatePort(count: 4)
            let uriA = "sip:127.0.0.1:\(portA)", uriB = "sip:127.0.0.1:\(portB)"
            try cluster.startNode(name: "node-a", sipPort: portA, mediaPort: mediaA)
            try cluster.startNode(name: "node-b", sipPort: portB, mediaPort: mediaB)
            try cluster.startKamailio(nodeURIs: [uriA, uriB])
            _ = try await cluster.waitForNode(uriA, active: true, timeoutS: 10)
            _ = try await cluster.waitForNode(uriB, active: true, timeoutS: 10)

            // Long calls, all answered before node B dies.
            let longCalls = 20
            try cluster.startTrunk(name: "long", calls: longCalls, rate: 50, talkMs: 5000)
            _ = try await cluster.waitUntil("\(longCalls) long calls answered", timeoutS: 10) {
                cluster.answeredCalls(trunk: "long") == longCalls
            }

            cluster.killNode(name: "node-b")
            // New calls from the moment of the kill.
            let newCalls = 100
            try cluster.startTrunk(name: "after-kill", calls: newCalls, rate: 25, talkMs: 200)

            let long = try await cluster.finishTrunk(name: "long", timeoutS: 20)
            let afterKill = try await cluster.finishTrunk(name: "after-kill", timeoutS: 30)
            let flagsAfterKill = try cluster.dispatcherFlags()
            print("cluster: long calls per node A=\(long.answered(by: portA)) B=\(long.answered(by: portB));",
                  "ok=\(long.successfulCalls) failed=\(long.failedCalls)")
            print("cluster: after kill ok=\(afterKill.successfulCalls)/\(newCalls)",
                  "failed=\(afterKill.failedCalls) A=\(afterKill.answered(by: portA)) B=\(afterKill.answered(by: portB));",
                  "flags \(flagsAfterKill)")

            // Spread: round-robin puts calls on both nodes.
            #expect(long.answered(by: portA) > 0)
            #expect(long.answered(by: portB) > 0)
            #expect(long.answered(by: portA) + long.answered(by: portB) == longCalls)
            // Calls on the survivor finish; only the dead node's calls end.
            #expect(long.successfulCalls == long.answered(by: portA))
            #expect(long.failedCalls == long.answered(by: portB))
            // New calls go through the survivor.
            #expect(afterKill.successfulCalls * 100 >= newCalls * 99)
            #expect(afterKill.answered(by: portB) == 0)
            #expect(flagsAfterKill[uriB]?.first == "I")
            #expect(flagsAfterKill[uriA]?.first == "A")

            // Restarted, node B answers the probes and is back in rotation.
            try cluster.startNode(name: "node-b", sipPort: portB, mediaPort: mediaB)
            let rejoinS = try await cluster.waitForNode(uriB, active: true, timeoutS: 15)
            let rejoinCalls = 20
            try cluster.startTrunk(name: "rejoined", calls: rejoinCalls, rate: 40, talkMs: 100)
            let rejoined = try await cluster.finishTrunk(name: "rejoined", timeoutS: 20)
            print(String(format: "cluster: node B active again %.1f s after restart;", rejoinS),
                  "ok=\(rejoined.successfulCalls)/\(rejoinCalls) A=\(rejoined.answered(by: portA))",
                  "B=\(rejoined.answered(by: portB))")
            #expect(rejoined.successfulCalls == rejoinCalls)
            #expect(rejoined.answered(by: portA) > 0)
            #expect(rejoined.answered(by: portB) > 0)
        }
    }
}
