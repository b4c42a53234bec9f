import Foundation
import ParleyCall
import ParleyStore
import Testing

/// Offer/answer edge cases of inbound calls against a SIPp UAC: an INVITE without an offer
/// (we offer in the 200, the ACK answers), an ACK without the answer, and an offer with no
/// codec in common.
@Suite(.serialized) struct InboundOfferTests {
    static func makeDaemon() async throws -> (CallDaemon, String) {
        try await TestDaemon.make("inbound-test", rtpPortStart: 33200)
    }

    /// Runs a SIPp UAC scenario once against the daemon; returns SIPp's exit status and the message log.
    static func runUAC(_ scenario: String, daemon: CallDaemon, directory: String) throws -> (Int32, String) {
        let path = directory + "/uac.xml"
        try scenario.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        process.arguments = [daemon.sipAddresses[0].description, "-sf", path, "-i", "127.0.0.1", "-p", "0", "-m", "1",
                             "-nostdin", "-timeout", "20s", "-timeout_error", "-trace_msg", "-message_file",
                             directory + "/messages.log"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let log = (try? String(contentsOfFile: directory + "/messages.log", encoding: .utf8)) ?? ""
        return (process.terminationStatus, log)
    }

    /// The last call's row once it has ended (the end is committed just after the BYE exchange).
    static func endedCall(_ daemon: CallDaemon) async throws -> CallRow? {
        for _ in 0..<100 {
            if let row = try await daemon.services.store.calls(matching: CallQuery(limit: 1)).first, row.endedAtMs != nil {
                return row
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    @Test func anInviteWithoutAnOfferGetsOursAndTheAckAnswers() async throws {
        let (daemon, directory) = try await Self.makeDaemon()
        let (status, log) = try Self.runUAC(SIPpUAC.lateOffer(ackWithAnswer: true), daemon: daemon, directory: directory)
        let row = try await Self.endedCall(daemon)
        let events = try await daemon.services.store.events(callId: row?.callId ?? "")
        await daemon.shutdown()
        #expect(status == 0, "SIPp failed")
        #expect(log.contains("m=audio ") && log.contains("a=rtpmap:0 PCMU/8000"), "our offer is in the 200")
        #expect(row?.disposition == "hung_up")
        #expect(!events.contains { $0.kind == "offer_answer_failed" })
        #expect(events.contains { $0.kind == "state" && $0.json.contains("greeting") })
    }

    @Test func anAckWithoutTheAnswerEndsTheCall() async throws {
        let (daemon, directory) = try await Self.makeDaemon()
        let (status, log) = try Self.runUAC(SIPpUAC.lateOffer(ackWithAnswer: false), daemon: daemon, directory: directory)
        let row = try await Self.endedCall(daemon)
        await daemon.shutdown()
        #expect(status == 0, "SIPp failed")
        #expect(row?.disposition == "failed")
        #expect(log.contains("X-Parley-Disposition: failed"))
    }

    @Test func anOfferWithNoCommonCodecIsRefusedWith488() async throws {
        let (daemon, directory) = try await Self.makeDaemon()
        let (status, _) = try Self.runUAC(SIPpUAC.g729Only, daemon: daemon, directory: directory)
        let rows = try await daemon.services.store.calls(matching: CallQuery())
        await daemon.shutdown()
        #expect(status == 0, "SIPp did not get its 488")
        #expect(rows.isEmpty, "a refused INVITE is not a call")
    }
}

enum SIPpUAC {
    static let headers = """
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]T[call_number]
        To: <sip:care@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        """

    static func lateOffer(ackWithAnswer: Bool) -> String {
        let ackBody = ackWithAnswer ? """
        Content-Type: application/sdp
        Content-Length: [len]

        v=0
        o=caller 1 1 IN IP4 [local_ip]
        s=-
        c=IN IP4 [media_ip]
        t=0 0
        m=audio [media_port] RTP/AVP 0
        a=rtpmap:0 PCMU/8000
        """ : "Content-Length: 0\n"
        let ending = ackWithAnswer ? """
          <pause milliseconds="1500"/>
          <send retrans="500"><![CDATA[
        BYE sip:care@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]T[call_number]
        To: <sip:care@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        CSeq: 2 BYE
        Content-Length: 0

        ]]></send>
          <recv response="200"/>
        """ : "<recv request=\"BYE\"/>\n" + TestDaemon.sippResponse("200 OK", toTag: false)
        return """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="late offer">
          <send retrans="500"><![CDATA[
        INVITE sip:care@[remote_ip]:[remote_port] SIP/2.0
        \(headers)
        CSeq: 1 INVITE
        Contact: <sip:caller@[local_ip]:[local_port]>
        Content-Length: 0

        ]]></send>
          <recv response="100" optional="true"/>
          <recv response="200"/>
          <send><![CDATA[
        ACK sip:care@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]T[call_number]
        To: <sip:care@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        CSeq: 1 ACK
        \(ackBody)
        ]]></send>
        \(ending)
        </scenario>
        """
    }

    static let g729Only = """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="no common codec">
          <send retrans="500"><![CDATA[
        INVITE sip:care@[remote_ip]:[remote_port] SIP/2.0
        \(headers)
        CSeq: 1 INVITE
        Contact: <sip:caller@[local_ip]:[local_port]>
        Content-Type: application/sdp
        Content-Length: [len]

        v=0
        o=caller 1 1 IN IP4 [local_ip]
        s=-
        c=IN IP4 [media_ip]
        t=0 0
        m=audio [media_port] RTP/AVP 18
        a=rtpmap:18 G729/8000
        ]]></send>
          <recv response="100" optional="true"/>
          <recv response="488"/>
          <send><![CDATA[
        ACK sip:care@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]T[call_number]
        To: <sip:care@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        CSeq: 1 ACK
        Content-Length: 0

        ]]></send>
        </scenario>
        """
}
