import Testing
@testable import ParleySIP

/// Golden messages under Fixtures/messages: a typical outbound INVITE and its 200 OK.
@Suite struct GoldenMessageTests {
    @Test func typicalInvite() throws {
        let raw = try Fixtures.bytes("messages/invite.sip")
        let m = try #require(SIPParser().parse(raw).message)
        #expect(m.method == .invite)
        #expect(m.requestURI?.user == "+15550100")
        #expect(m.topVia?.hasRport == true)
        #expect(m.tokens(.allow).count == 9)
        #expect(m.value(.sessionExpires) == "1800;refresher=uac")
        #expect(m.body.count == 254)
        // Written back byte for byte (the fixture uses canonical names, one value per line
        // except Allow/Supported, which are rewritten one per line).
        let again = try #require(SIPParser().parse(m.serialized()).message)
        #expect(again.serialized() == m.serialized())
        #expect(again.body == m.body)
    }

    @Test func typicalOK() throws {
        let m = try #require(SIPParser().parse(try Fixtures.bytes("messages/ok200.sip")).message)
        #expect(m.statusCode == 200)
        #expect(m.topVia?.rport == 5060)
        #expect(m.topVia?.received == "10.0.0.5")
        #expect(m.recordRoutes.first?.uri.isLooseRouter == true)
        #expect(m.to?.tag == "as58f4201b")
        #expect(TransactionKey.client(forResponse: m)?.branch == "z9hG4bK-524287-1---8f2c1e9a7d")
    }

    @Test func uriFixturesParse() throws {
        for i in 1...6 {
            let text = String(decoding: try Fixtures.bytes("uris/u\(i).txt"), as: UTF8.self)
            let uri = try SIPURI(parsing: text)
            #expect(try SIPURI(parsing: uri.serialized).isEquivalent(to: uri), "\(text)")
        }
    }
}

@Suite struct RequestBuilderTests {
    @Test func outboundInviteAndAuthenticatedRetry() throws {
        let via = SIPVia(transport: "UDP", host: "127.0.0.1", port: 5060, branch: "z9hG4bKo1")
        let invite = SIPMessage.outOfDialogRequest(
            .invite, requestURI: try SIPURI(parsing: "sip:+15550100@trunk.example.com"),
            from: SIPNameAddress(displayName: "Parley", uri: try SIPURI(parsing: "sip:+15550199@trunk.example.com"),
                                 parameters: SIPParameters([.init(name: "tag", value: "f1")])),
            to: SIPNameAddress(uri: try SIPURI(parsing: "sip:+15550100@trunk.example.com")),
            callID: "c1@127.0.0.1", cseq: 1, via: via, contact: SIPURI(user: "parley", host: "127.0.0.1", port: 5060),
            route: [try SIPURI(parsing: "sip:proxy.example.com;lr")],
            body: Array("v=0\r\n".utf8), contentType: "application/sdp")
        let parsed = try #require(SIPParser().parse(invite.serialized()).message)
        #expect(parsed.from?.displayName == "Parley")
        #expect(parsed.routes.first?.uri.isLooseRouter == true)
        #expect(parsed.cseq == SIPCSeq(1, .invite))
        var client = DigestClient(username: "u", password: "p")
        _ = client.accept(DigestChallenge(realm: "r", nonce: "n", isProxy: true))
        let header = client.authorization(method: .invite, uri: "sip:+15550100@trunk.example.com", cnonce: "c")
        let auth = try #require(header)
        let retry = invite.retried(via: SIPVia(transport: "UDP", host: "127.0.0.1", port: 5060, branch: "z9hG4bKo2"), authorization: auth)
        #expect(retry.cseq == SIPCSeq(2, .invite))
        #expect(retry.topVia?.branch == "z9hG4bKo2")
        #expect(retry.value(.proxyAuthorization)?.hasPrefix("Digest ") == true)
    }
}
