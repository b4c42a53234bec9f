import Foundation
import ParleyRealtime
import ParleySIP
import Testing

/// The stack as a call-load server for `Scripts/bench-sip-load.sh`: enabled only when
/// `PARLEY_SIP_LOAD_PORT` is set (it is a benchmark fixture, not a check). Answers every
/// INVITE with an SDP answer on 127.0.0.1:<port>, until the file named by
/// `PARLEY_SIP_LOAD_STOP` exists (or 10 minutes pass), then writes its counters as JSON to
/// `PARLEY_SIP_LOAD_STOP`.json. `PARLEY_SIP_LOAD_STOP`.ready appears once it listens.
@Suite struct LoadServer {
    static let port = ProcessInfo.processInfo.environment["PARLEY_SIP_LOAD_PORT"].flatMap { UInt16($0) }

    @Test(.enabled(if: LoadServer.port != nil, "benchmark server; set PARLEY_SIP_LOAD_PORT"))
    func serveCalls() throws {
        let env = ProcessInfo.processInfo.environment
        let stopPath = try #require(env["PARLEY_SIP_LOAD_STOP"], "PARLEY_SIP_LOAD_STOP must name a stop file")
        let loop = try EventLoop()
        let transport = SIPTransport(loop: loop, configuration: SIPTransportConfiguration(loopbackOnly: true))
        try transport.bindUDP(.ipv4Loopback(port: try #require(Self.port)), receiveBufferBytes: 8 << 20)
        let stack = SIPStack(transport: transport, configuration: SIPStackConfiguration(localHost: "127.0.0.1"))
        let ua = TestUA()
        stack.delegate = ua
        try stack.start()
        try loop.start(name: "sip-load")
        _ = FileManager.default.createFile(atPath: stopPath + ".ready", contents: nil)
        _ = waitUntil(timeoutSeconds: 600) { FileManager.default.fileExists(atPath: stopPath) }
        let box = StackCountersBox()
        let done = DispatchSemaphore(value: 0)
        loop.execute {
            box.stack = stack.counters
            box.transport = stack.transport.counters
            stack.stop()
            stack.transport.close()
            done.signal()
        }
        done.wait()
        loop.shutdown()
        let s = box.stack, t = box.transport
        let json = """
        {"callsStarted":\(s.callsStarted),"callsEnded":\(s.callsEnded),"requestsReceived":\(s.requestsReceived),\
        "retransmissionsAbsorbed":\(s.retransmissionsAbsorbed),"malformedDropped":\(s.malformedDropped),\
        "framesReceived":\(t.framesReceived),"messagesSent":\(t.messagesSent),"sendFailures":\(t.sendFailures)}
        """
        try json.write(toFile: stopPath + ".json", atomically: true, encoding: .utf8)
        #expect(t.refusedNonLoopbackSends == 0)
    }
}

final class StackCountersBox: @unchecked Sendable {
    var stack = SIPStackCounters()
    var transport = SIPTransportCounters()
}
