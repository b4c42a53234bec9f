import Testing
@testable import ParleySDP

@Suite struct OfferAnswerTests {
    static func config(_ codecs: [AudioCodec] = [.pcmu, .pcma, .opus]) -> OfferAnswer.Configuration {
        .init(codecs: codecs, localAddress: "127.0.0.1", localRTPPort: 20000, sessionID: 777)
    }

    static func offer(_ body: String) throws -> SessionDescription {
        try SessionDescription(parsing: "v=0\r\no=peer 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n" + body)
    }

    func answer(_ oa: inout OfferAnswer, _ offer: SessionDescription) -> (SessionDescription, NegotiatedMedia)? {
        let actions = oa.handle(.remoteOffer(offer))
        guard actions.count == 2, case .sendAnswer(let a) = actions[0], case .negotiated(let m) = actions[1] else {
            return nil
        }
        return (a, m)
    }

    @Test func answersSIPpOfferWithPCMU() throws {
        var oa = OfferAnswer(configuration: Self.config())
        let offer = try SessionDescription(parsing: try Fixtures.load("seeds", "sipp-uac.sdp"))
        let (answer, media) = try #require(answer(&oa, offer))
        #expect(media.codec == .pcmu)
        #expect(media.payloadType == 0)
        #expect(media.telephoneEventPayloadType == nil)
        #expect(media.remoteAddress == "127.0.0.1")
        #expect(media.remoteRTPPort == 6000)
        #expect(media.remoteRTCPPort == 6001)
        #expect(media.direction == .sendrecv)
        #expect(media.ptimeMs == 20)
        #expect(answer.media.count == 1)
        #expect(answer.media[0].port == 20000)
        #expect(answer.media[0].formats == ["0"])
        #expect(answer.connection?.address == "127.0.0.1")
        #expect(answer.text.contains("m=audio 20000 RTP/AVP 0\r\n"))
        #expect(oa.state == .stable(media))
        // The answer parses back.
        #expect(try SessionDescription(parsing: answer.text) == answer)
    }

    @Test func preferenceDecidesAndTelephoneEventFollowsTheClockRate() throws {
        let body = try SessionDescription(parsing: try Fixtures.load("seeds", "linphone-opus.sdp"))
        var a = OfferAnswer(configuration: Self.config([.pcma, .pcmu]))
        let (_, m1) = try #require(answer(&a, body))
        #expect(m1.codec == .pcma)
        #expect(m1.payloadType == 8)
        #expect(m1.telephoneEventPayloadType == 101)

        var b = OfferAnswer(configuration: Self.config([.opus, .pcmu]))
        let (ans, m2) = try #require(answer(&b, body))
        #expect(m2.codec == .opus)
        #expect(m2.payloadType == 96)
        #expect(m2.clockRate == 48000)
        // Only telephone-event/8000 was offered: no DTMF PT at 48 kHz.
        #expect(m2.telephoneEventPayloadType == nil)
        #expect(ans.media[0].rtpMap(for: 96)?.channels == 2)
    }

    @Test func telephoneEventAnsweredWithOfferersPayloadType() throws {
        var oa = OfferAnswer(configuration: Self.config())
        let offer = try Self.offer("m=audio 5000 RTP/AVP 8 0 97\r\na=rtpmap:97 telephone-event/8000\r\na=fmtp:97 0-15\r\n")
        let (ans, m) = try #require(answer(&oa, offer))
        #expect(m.codec == .pcmu)
        #expect(m.payloadType == 0)
        #expect(m.telephoneEventPayloadType == 97)
        #expect(ans.media[0].formats == ["0", "97"])
        #expect(ans.media[0].fmtp(for: 97) == "0-16")
    }

    @Test(arguments: [
        (MediaDirection.sendrecv, MediaDirection.sendrecv, false),
        (.sendonly, .recvonly, true),
        (.recvonly, .sendonly, false),
        (.inactive, .inactive, true),
    ])
    func directionAnswers(_ offered: MediaDirection, _ expected: MediaDirection, _ hold: Bool) throws {
        var oa = OfferAnswer(configuration: Self.config())
        let offer = try Self.offer("m=audio 5000 RTP/AVP 0\r\na=\(offered.rawValue)\r\n")
        let (ans, m) = try #require(answer(&oa, offer))
        #expect(ans.media[0].direction == expected)
        #expect(m.direction == expected)
        #expect(m.remoteHold == hold)
    }

    @Test func oldStyleHold() throws {
        var oa = OfferAnswer(configuration: Self.config())
        let offer = try SessionDescription(parsing: try Fixtures.load("seeds", "hold-old-style.sdp"))
        let (ans, m) = try #require(answer(&oa, offer))
        #expect(m.remoteHold)
        #expect(m.direction == .recvonly)
        #expect(m.remoteAddress == "0.0.0.0")
        #expect(ans.media[0].direction == .recvonly)
    }

    @Test func unsupportedStreamsAreZeroPortedInOrder() throws {
        var oa = OfferAnswer(configuration: Self.config())
        let offer = try Self.offer("m=video 6000 RTP/AVP 31\r\nm=audio 0 RTP/AVP 0\r\nm=audio 5000 RTP/SAVP 0\r\n"
            + "m=audio 5002 RTP/AVP 18 8\r\nm=audio 5004 RTP/AVP 0\r\n")
        let (ans, m) = try #require(answer(&oa, offer))
        #expect(ans.media.map(\.port) == [0, 0, 0, 20000, 0])
        #expect(ans.media.map(\.media) == ["video", "audio", "audio", "audio", "audio"])
        #expect(ans.media[2].proto == "RTP/SAVP")
        #expect(m.mediaIndex == 3)
        #expect(m.codec == .pcma)
    }

    @Test func nothingAcceptableIs488() throws {
        var oa = OfferAnswer(configuration: Self.config())
        let offer = try Self.offer("m=audio 5000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\nm=video 6000 RTP/AVP 31\r\n")
        let actions = oa.handle(.remoteOffer(offer))
        #expect(actions.count == 1)
        guard case .reject(let e) = actions.first else { Issue.record("expected reject"); return }
        #expect(e.code == .notAcceptable)
        #expect(e.sipStatus == 488)
        #expect(oa.state == .idle)
    }

    @Test func opusWithWrongChannelsIsNotOpus() throws {
        var oa = OfferAnswer(configuration: Self.config([.opus]))
        let offer = try Self.offer("m=audio 5000 RTP/AVP 96\r\na=rtpmap:96 opus/48000\r\n")
        #expect(oa.handle(.remoteOffer(offer)).first.map { if case .reject = $0 { true } else { false } } == true)
    }

    @Test func ptimeFollowsThePeerWithinLimits() throws {
        var oa = OfferAnswer(configuration: Self.config())
        let (_, m30) = try #require(answer(&oa, try Self.offer("m=audio 5000 RTP/AVP 0\r\na=ptime:30\r\n")))
        #expect(m30.ptimeMs == 30)
        var ob = OfferAnswer(configuration: Self.config())
        let (_, mOdd) = try #require(answer(&ob, try Self.offer("m=audio 5000 RTP/AVP 0\r\na=ptime:25\r\n")))
        #expect(mOdd.ptimeMs == 20)
        var oc = OfferAnswer(configuration: Self.config())
        let (_, mMax) = try #require(answer(&oc, try Self.offer("m=audio 5000 RTP/AVP 0\r\na=maxptime:10\r\n")))
        #expect(mMax.ptimeMs == 10)
    }

    @Test func reofferKeepsCodecAndVersionRules() throws {
        var oa = OfferAnswer(configuration: Self.config([.pcmu, .pcma]))
        let first = try Self.offer("m=audio 5000 RTP/AVP 8\r\n")
        let (a1, m1) = try #require(answer(&oa, first))
        #expect(m1.codec == .pcma)
        // Same offer again (session refresh): same answer, same o= version.
        let (a2, _) = try #require(answer(&oa, first))
        #expect(a2.origin.sessionVersion == a1.origin.sessionVersion)
        // Re-offer with both: PCMA kept though PCMU is preferred (no mid-call switch).
        let (a3, m3) = try #require(answer(&oa, try Self.offer("m=audio 5000 RTP/AVP 0 8\r\n")))
        #expect(m3.codec == .pcma)
        #expect(a3.origin.sessionVersion == a1.origin.sessionVersion)
        // Hold changes the answer: version + 1.
        let (a4, m4) = try #require(answer(&oa, try Self.offer("m=audio 5000 RTP/AVP 8\r\na=sendonly\r\n")))
        #expect(m4.direction == .recvonly)
        #expect(a4.origin.sessionVersion == a1.origin.sessionVersion + 1)
        #expect(a4.origin.sessionID == a1.origin.sessionID)
    }

    @Test func offererSequence() throws {
        var oa = OfferAnswer(configuration: Self.config([.pcmu, .opus]))
        guard case .sendOffer(let offer) = oa.handle(.makeOffer(direction: .sendrecv)).first else {
            Issue.record("no offer"); return
        }
        #expect(offer.media[0].formats == ["0", "111", "101", "102"])
        #expect(offer.media[0].rtpMap(for: 102)?.clockRate == 48000)
        #expect(offer.media[0].direction == .sendrecv)
        #expect(offer.origin.sessionID == "777")
        let v0 = offer.origin.sessionVersion

        // Glare: a peer offer while ours is pending.
        let glare = oa.handle(.remoteOffer(try Self.offer("m=audio 5000 RTP/AVP 0\r\n")))
        #expect(glare == [.reject(OfferAnswerError(.glare, "offer while our offer is pending"))])

        let answer = try Self.offer("m=audio 5002 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n")
        let actions = oa.handle(.remoteAnswer(answer))
        guard case .negotiated(let m) = actions.first else { Issue.record("not negotiated"); return }
        #expect(m.codec == .pcmu)
        #expect(m.telephoneEventPayloadType == 101)
        #expect(m.remoteRTPPort == 5002)
        #expect(m.direction == .sendrecv)

        // Hold via re-INVITE: sendonly offer, version bumped; the peer answers recvonly.
        guard case .sendOffer(let hold) = oa.handle(.makeOffer(direction: .sendonly)).first else {
            Issue.record("no hold offer"); return
        }
        #expect(hold.origin.sessionVersion == v0 + 1)
        #expect(hold.media[0].direction == .sendonly)
        let held = oa.handle(.remoteAnswer(try Self.offer("m=audio 5002 RTP/AVP 0\r\na=recvonly\r\n")))
        guard case .negotiated(let mh) = held.first else { Issue.record("hold not negotiated"); return }
        #expect(mh.direction == .sendonly)

        // A rejected re-offer rolls back to the held state.
        _ = oa.handle(.makeOffer(direction: .sendrecv))
        #expect(oa.handle(.offerRejected).isEmpty)
        #expect(oa.state == .stable(mh))

        // An answer with nothing pending is refused.
        #expect(oa.handle(.remoteAnswer(answer)) == [.reject(OfferAnswerError(.unexpectedAnswer))])
    }

    @Test func answerMismatchesAreRefused() throws {
        var oa = OfferAnswer(configuration: Self.config([.pcmu]))
        _ = oa.handle(.makeOffer(direction: .sendrecv))
        let twoLines = try Self.offer("m=audio 5002 RTP/AVP 0\r\nm=audio 5004 RTP/AVP 0\r\n")
        guard case .reject(let e) = oa.handle(.remoteAnswer(twoLines)).first else { Issue.record("accepted"); return }
        #expect(e.code == .answerMismatch)
        #expect(oa.state == .idle)

        _ = oa.handle(.makeOffer(direction: .sendrecv))
        let zero = try Self.offer("m=audio 0 RTP/AVP 0\r\n")
        guard case .reject(let e2) = oa.handle(.remoteAnswer(zero)).first else { Issue.record("accepted"); return }
        #expect(e2.sipStatus == 488)

        _ = oa.handle(.makeOffer(direction: .sendrecv))
        let foreign = try Self.offer("m=audio 5002 RTP/AVP 18\r\n")
        guard case .reject(let e3) = oa.handle(.remoteAnswer(foreign)).first else { Issue.record("accepted"); return }
        #expect(e3.code == .notAcceptable)
    }

    @Test func localTransportChangeAppearsInTheNextOffer() {
        var oa = OfferAnswer(configuration: Self.config())
        #expect(oa.handle(.localTransportChanged(address: "::1", addressType: .ip6, rtpPort: 30000)).isEmpty)
        guard case .sendOffer(let o) = oa.handle(.makeOffer(direction: .sendrecv)).first else { Issue.record("no offer"); return }
        #expect(o.connection == Connection(addressType: .ip6, address: "::1"))
        #expect(o.media[0].port == 30000)
        #expect(o.origin.addressType == .ip6)
    }
}
