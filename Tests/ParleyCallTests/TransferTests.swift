import Foundation
import ParleyCall
import ParleyStore
import Testing

/// A caller presses 0 (SIP INFO, application/dtmf-relay) during the offer: the demo's global
/// handler transfers to an agent — REFER with Refer-To, then our BYE once the REFER is accepted.
@Suite(.serialized) struct TransferTests {
    static let scenario = """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="info dtmf then transfer">
          <send retrans="500"><![CDATA[
        INVITE sip:care@[remote_ip]:[remote_port] SIP/2.0
        \(SIPpUAC.headers)
        CSeq: 1 INVITE
        Contact: <sip:caller@[local_ip]:[local_port]>
        Content-Type: application/sdp
        Content-Length: [len]

        v=0
        o=caller 1 1 IN IP4 [local_ip]
        s=-
        c=IN IP4 [media_ip]
        t=0 0
        m=audio [media_port] RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
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
        Content-Length: 0

        ]]></send>
          <pause milliseconds="7000"/>
          <send retrans="500"><![CDATA[
        INFO sip:care@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]T[call_number]
        To: <sip:care@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        CSeq: 2 INFO
        Content-Type: application/dtmf-relay
        Content-Length: [len]

        Signal=0
        Duration=160
        ]]></send>
          <recv response="200"/>
          <recv request="REFER" timeout="15000">
            <action><ereg regexp="Refer-To: .sip:member-care@127.0.0.1:5090" search_in="msg" check_it="true" assign_to="rt"/></action>
          </recv>
          <Reference variables="rt"/>
        \(TestDaemon.sippResponse("202 Accepted", toTag: false))
          <recv request="BYE" timeout="5000">
            <action><ereg regexp="X-Parley-Disposition: transferred" search_in="msg" check_it="true" assign_to="d"/></action>
          </recv>
          <Reference variables="d"/>
        \(TestDaemon.sippResponse("200 OK", toTag: false))
        </scenario>
        """

    @Test func pressingZeroTransfersByReferThenHangsUp() async throws {
        let (daemon, directory) = try await TestDaemon.make("transfer-test", rtpPortStart: 34000)
        let (status, _) = try InboundOfferTests.runUAC(Self.scenario, daemon: daemon, directory: directory)
        let row = try await InboundOfferTests.endedCall(daemon)
        let events = try await daemon.services.store.events(callId: row?.callId ?? "")
        await daemon.shutdown()
        #expect(status == 0, "SIPp did not see the REFER and the BYE it expected")
        #expect(row?.disposition == "transferred")
        #expect(row?.tags["transferred"] == "true")
        #expect(events.contains { $0.kind == "dtmf" && $0.json.contains("sip_info") })
        #expect(events.contains { $0.kind == "transfer_answer" && $0.json.contains("202") })
    }
}
