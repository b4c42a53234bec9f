import Foundation
import ParleyCall
import Testing

/// At `max_calls` the node says so the way a dispatcher probes it: OPTIONS and new INVITEs
/// get 503 with Retry-After; below it OPTIONS get 200 again.
@Suite(.serialized) struct CapacityTests {
    static func options(expect status: Int) -> String {
        """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="options">
          <send retrans="500"><![CDATA[
        OPTIONS sip:care@[remote_ip]:[remote_port] SIP/2.0
        \(SIPpUAC.headers)
        CSeq: 1 OPTIONS
        Content-Length: 0

        ]]></send>
          <recv response="\(status)"/>
        </scenario>
        """
    }

    static func start(_ scenario: String, daemon: CallDaemon, directory: String, name: String) throws -> Process {
        let path = directory + "/\(name).xml"
        try scenario.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        process.arguments = [daemon.sipAddresses[0].description, "-sf", path, "-i", "127.0.0.1", "-p", "0", "-m", "1",
                             "-nostdin", "-timeout", "20s", "-timeout_error"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func atMaxCallsOptionsAndInvitesGet503UntilACallEnds() async throws {
        let (daemon, directory) = try await TestDaemon.make("capacity-test", rtpPortStart: 33600) { $0.sip.maxCalls = 1 }
        let long = SIPpUAC.lateOffer(ackWithAnswer: true)
            .replacingOccurrences(of: "<pause milliseconds=\"1500\"/>", with: "<pause milliseconds=\"4000\"/>")
        let call = try Self.start(long, daemon: daemon, directory: directory, name: "call")
        defer { if call.isRunning { kill(call.processIdentifier, SIGKILL) } }
        for _ in 0..<100 where daemon.manager.activeCallCount == 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(daemon.manager.activeCallCount == 1)
        let busyOptions = try Self.start(Self.options(expect: 503), daemon: daemon, directory: directory, name: "o1")
        busyOptions.waitUntilExit()
        let refused = try Self.start(SIPpUAC.refusedInvite(503), daemon: daemon, directory: directory, name: "i2")
        refused.waitUntilExit()
        call.waitUntilExit()
        for _ in 0..<100 where daemon.manager.activeCallCount > 0 { try await Task.sleep(for: .milliseconds(20)) }
        let freeOptions = try Self.start(Self.options(expect: 200), daemon: daemon, directory: directory, name: "o2")
        freeOptions.waitUntilExit()
        await daemon.shutdown()
        #expect(busyOptions.terminationStatus == 0, "OPTIONS at capacity did not get 503")
        #expect(refused.terminationStatus == 0, "an INVITE at capacity did not get 503 with Retry-After")
        #expect(call.terminationStatus == 0)
        #expect(freeOptions.terminationStatus == 0, "OPTIONS below capacity did not get 200")
    }
}

extension SIPpUAC {
    /// An INVITE with an offer that must be refused with `status` carrying Retry-After.
    static func refusedInvite(_ status: Int) -> String {
        g729Only
            .replacingOccurrences(of: "m=audio [media_port] RTP/AVP 18\n", with: "m=audio [media_port] RTP/AVP 0\n")
            .replacingOccurrences(of: "a=rtpmap:18 G729/8000", with: "a=rtpmap:0 PCMU/8000")
            .replacingOccurrences(of: "<recv response=\"488\"/>",
                                  with: "<recv response=\"\(status)\"><action><ereg regexp=\"Retry-After: [0-9]+\" search_in=\"msg\" check_it=\"true\" assign_to=\"ra\"/></action></recv><Reference variables=\"ra\"/>")
    }
}
