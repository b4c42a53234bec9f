import Foundation
import ParleyCall
import ParleyRealtime
import ParleyStore
import Testing

/// Outbound calls through a trunk that is a real SIPp UAS on loopback: the call layer's
/// INVITE, ring timeout, failure classification, answer screening and BYE.
@Suite(.serialized) struct OutboundCallTests {
    /// A screen with a fixed decision after `afterFrames` frames of callee audio.
    final class FixedScreen: OutboundAnswerScreen, @unchecked Sendable {
        let decision: OutboundScreenDecision
        let afterFrames: Int
        private let lock = NSLock()
        private var frames = 0
        init(_ decision: OutboundScreenDecision, afterFrames: Int = 30) {
            self.decision = decision
            self.afterFrames = afterFrames
        }
        func screen(_ frame: [Int16]) -> OutboundScreenDecision? {
            lock.lock()
            defer { lock.unlock() }
            frames += 1
            return frames == afterFrames ? decision : nil
        }
        var verdict: (name: String, decisionMs: Int)? { (decision == .converse ? "human" : "machine", afterFrames * 10) }
    }

    struct Fixture {
        let directory: String
        let daemon: CallDaemon
        let uasPort: UInt16
    }

    static func makeDaemon(uasPort: UInt16) async throws -> Fixture {
        let directory = NSTemporaryDirectory() + "parley-outbound-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = DaemonConfiguration(nodeID: "outbound-test")
        config.sip.listen = [SIPListenAddress(address: .ipv4Loopback(port: 0), transports: [.udp])]
        config.trunks = [TrunkConfiguration(name: "sipp", address: .ipv4Loopback(port: uasPort))]
        config.routing = RoutingConfiguration(defaultScript: ConfigurationFixtures.repositoryRoot
                                              + "/examples/demo/member-care.yaml")
        config.media.rtpPortStart = 33000
        config.media.rtpPortEnd = 33199
        config.dataDirectory = directory
        config.recognizer.prewarmDecoders = 0
        let daemon = try await CallDaemon(configuration: config, log: CallLog(minimum: .warning))
        return Fixture(directory: directory, daemon: daemon, uasPort: uasPort)
    }

    /// Runs SIPp as a UAS answering one call with `scenario`; returns its exit status.
    static func startUAS(_ scenario: String, port: UInt16, directory: String) throws -> Process {
        let path = directory + "/uas.xml"
        try scenario.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        process.arguments = ["-sf", path, "-i", "127.0.0.1", "-p", String(port), "-m", "1", "-nostdin",
                             "-timeout", "30s", "-timeout_error", "-mp", "34000"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func stop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    static func port() -> UInt16 { UInt16.random(in: 35000...39000) }

    @Test func busyIsReportedWithItsStatusAndRecorded() async throws {
        let uasPort = Self.port()
        let f = try await Self.makeDaemon(uasPort: uasPort)
        let uas = try Self.startUAS(SIPpUAS.reject(486), port: uasPort, directory: f.directory)
        defer { Self.stop(uas) }
        try await Task.sleep(for: .milliseconds(300))
        let result = await f.daemon.manager.placeCall(OutboundCallRequest(
            attemptID: "c1#1", number: "15550001", trunk: "sipp", scriptPath: f.daemon.configuration.routing.defaultScript!,
            ringTimeoutMs: 10_000))
        await f.daemon.shutdown()
        #expect(result.sipStatus == 486 && !result.answered && result.disposition == "busy")
        let row = try await f.daemon.services.store.call(id: try #require(result.callId))
        #expect(row?.direction == .outbound && row?.disposition == "busy")
    }

    @Test func ringingPastTheTimeoutIsCancelledAsNoAnswer() async throws {
        let uasPort = Self.port()
        let f = try await Self.makeDaemon(uasPort: uasPort)
        let uas = try Self.startUAS(SIPpUAS.ringForever, port: uasPort, directory: f.directory)
        defer { Self.stop(uas) }
        try await Task.sleep(for: .milliseconds(300))
        let result = await f.daemon.manager.placeCall(OutboundCallRequest(
            attemptID: "c1#2", number: "15550002", trunk: "sipp", scriptPath: f.daemon.configuration.routing.defaultScript!,
            ringTimeoutMs: 1_500))
        await f.daemon.shutdown()
        #expect(result.ringTimedOut && !result.answered && result.disposition == "no_answer")
        #expect(result.sipStatus == 487)
    }

    @Test func anAnsweringMachineIsHungUpOnAfterScreening() async throws {
        let uasPort = Self.port()
        let f = try await Self.makeDaemon(uasPort: uasPort)
        // Ten seconds of μ-law silence (0xFF) for the callee to send.
        let audio = f.directory + "/callee.ulaw"
        try Data(repeating: 0xFF, count: 80_000).write(to: URL(fileURLWithPath: audio))
        let uas = try Self.startUAS(SIPpUAS.answerThenWaitForBye(audio: audio), port: uasPort, directory: f.directory)
        defer { Self.stop(uas) }
        try await Task.sleep(for: .milliseconds(300))
        let result = await f.daemon.manager.placeCall(OutboundCallRequest(
            attemptID: "c1#3", number: "15550003", trunk: "sipp", scriptPath: f.daemon.configuration.routing.defaultScript!,
            ringTimeoutMs: 10_000, screen: FixedScreen(.hangUp, afterFrames: 20)))
        uas.waitUntilExit()
        await f.daemon.shutdown()
        #expect(result.answered && result.sipStatus == 200)
        #expect(result.disposition == "machine" && result.amdVerdict == "machine" && result.amdDecisionMs == 200)
        #expect(uas.terminationStatus == 0, "SIPp did not get the BYE")
        let row = try await f.daemon.services.store.call(id: try #require(result.callId))
        #expect(row?.disposition == "machine" && row?.answeredAtMs != nil)
    }
}

/// SIPp UAS scenarios (the callee side of outbound calls).
enum SIPpUAS {
    static func reject(_ status: Int) -> String {
        """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="reject">
          <recv request="INVITE"/>
          <send><![CDATA[
        SIP/2.0 \(status) Busy Here
        [last_Via:]
        [last_From:]
        [last_To:];tag=[pid]SIPpTag01[call_number]
        [last_Call-ID:]
        [last_CSeq:]
        Content-Length: 0

        ]]></send>
          <recv request="ACK"/>
        </scenario>
        """
    }

    static let ringForever = """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="ring">
          <recv request="INVITE"/>
          <send><![CDATA[
        SIP/2.0 180 Ringing
        [last_Via:]
        [last_From:]
        [last_To:];tag=[pid]SIPpTag01[call_number]
        [last_Call-ID:]
        [last_CSeq:]
        Content-Length: 0

        ]]></send>
          <recv request="CANCEL"/>
          <send><![CDATA[
        SIP/2.0 200 OK
        [last_Via:]
        [last_From:]
        [last_To:];tag=[pid]SIPpTag01[call_number]
        [last_Call-ID:]
        [last_CSeq:]
        Content-Length: 0

        ]]></send>
          <send><![CDATA[
        SIP/2.0 487 Request Terminated
        [last_Via:]
        [last_From:]
        [last_To:];tag=[pid]SIPpTag01[call_number]
        [last_Call-ID:]
        CSeq: [cseq] INVITE
        Content-Length: 0

        ]]></send>
          <recv request="ACK"/>
        </scenario>
        """

    static func answerThenWaitForBye(audio: String) -> String {
        """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="answer">
          <recv request="INVITE"/>
          <send><![CDATA[
        SIP/2.0 200 OK
        [last_Via:]
        [last_From:]
        [last_To:];tag=[pid]SIPpTag01[call_number]
        [last_Call-ID:]
        [last_CSeq:]
        Contact: <sip:callee@[local_ip]:[local_port]>
        Content-Type: application/sdp
        Content-Length: [len]

        v=0
        o=callee 1 1 IN IP4 [local_ip]
        s=-
        c=IN IP4 [media_ip]
        t=0 0
        m=audio [media_port] RTP/AVP 0
        a=rtpmap:0 PCMU/8000

        ]]></send>
          <recv request="ACK"/>
          <nop><action><exec rtp_stream="\(audio),-1,0"/></action></nop>
          <recv request="BYE"/>
          <send><![CDATA[
        SIP/2.0 200 OK
        [last_Via:]
        [last_From:]
        [last_To:]
        [last_Call-ID:]
        [last_CSeq:]
        Content-Length: 0

        ]]></send>
        </scenario>
        """
    }
}
