/// Offering (RFC 3264 §5) and accepting the peer's answer (§7).
extension OfferAnswer {
    /// telephone-event payload types Parley offers, per clock rate.
    static func telephoneEventPayloadType(clockRate: Int) -> UInt8 { clockRate == 48_000 ? 102 : 101 }

    func makeOffer(direction: MediaDirection) -> SessionDescription {
        var offer = SessionDescription(origin: origin(version: sessionVersion), sessionName: configuration.sessionName)
        offer.connection = Connection(addressType: configuration.localAddressType, address: configuration.localAddress)
        var m = MediaDescription(port: configuration.localRTPPort, formats: [])
        for codec in configuration.codecs {
            let pt = codec.offeredPayloadType
            m.formats.append(String(pt))
            m.attributes.append(Attribute("rtpmap", MediaDescription.RTPMap(
                payloadType: pt, encodingName: codec.encodingName, clockRate: codec.clockRate,
                channels: codec.rtpmapChannels).value))
            if let f = codec.fmtp { m.attributes.append(Attribute("fmtp", "\(pt) \(f)")) }
        }
        if configuration.telephoneEvent {
            var rates: [Int] = []
            for codec in configuration.codecs where !rates.contains(codec.clockRate) { rates.append(codec.clockRate) }
            for rate in rates {
                let pt = Self.telephoneEventPayloadType(clockRate: rate)
                m.formats.append(String(pt))
                m.attributes.append(Attribute("rtpmap", "\(pt) telephone-event/\(rate)"))
                m.attributes.append(Attribute("fmtp", "\(pt) 0-16"))
            }
        }
        m.attributes.append(Attribute("ptime", String(configuration.ptimeMs)))
        m.attributes.append(Attribute("maxptime", String(configuration.maxptimeMs)))
        m.setDirection(direction)
        offer.media = [m]
        return offer
    }

    func accept(answer: SessionDescription, to offer: SessionDescription) -> Result<NegotiatedMedia, OfferAnswerError> {
        guard answer.media.count == offer.media.count else {
            return .failure(OfferAnswerError(.answerMismatch, "answer has \(answer.media.count) m= lines, offer \(offer.media.count)"))
        }
        let index = 0
        let m = answer.media[index]
        let offered = offer.media[index]
        guard m.port != 0 else { return .failure(OfferAnswerError(.notAcceptable, "audio stream rejected")) }
        guard let connection = answer.effectiveConnection(forMedia: index) else {
            return .failure(OfferAnswerError(.answerMismatch, "no connection address"))
        }
        // The first answered format that we offered decides the codec.
        var pick: (AudioCodec, UInt8)?
        for pt in m.payloadTypes where pick == nil {
            guard offered.payloadTypes.contains(pt) || offered.rtpMap(for: pt) != nil,
                  let map = m.rtpMap(for: pt) ?? offered.rtpMap(for: pt) else { continue }
            if let codec = configuration.codecs.first(where: { $0.matches(map) }) { pick = (codec, pt) }
        }
        guard let (codec, pt) = pick else {
            return .failure(OfferAnswerError(.notAcceptable, "no offered codec in the answer"))
        }
        let eventPT = configuration.telephoneEvent ? m.payloadTypes.first { p in
            guard let map = m.rtpMap(for: p) else { return false }
            return map.encodingName.lowercased() == "telephone-event" && map.clockRate == codec.clockRate
        } : nil
        var ptime = m.ptimeMs.flatMap { $0 % 10 == 0 && $0 >= 10 && $0 <= 60 ? $0 : nil } ?? configuration.ptimeMs
        if let max = m.maxptimeMs, ptime > max, max >= 10 { ptime = max - max % 10 }
        var answered = answer.effectiveDirection(forMedia: index)
        let oldHold = connection.isHoldAddress
        if oldHold { answered = answered.intersection(.sendonly) }
        // The answer is written from the peer's side: its recvonly is our sendonly.
        let ours = (offered.direction ?? .sendrecv).intersection(answered.answer)
        return .success(NegotiatedMedia(
            codec: codec, payloadType: pt, clockRate: codec.clockRate, telephoneEventPayloadType: eventPT,
            ptimeMs: ptime, remoteAddress: connection.address, remoteAddressType: connection.addressType,
            remoteRTPPort: m.port, remoteRTCPPort: m.rtcpPort ?? (m.port &+ 1), direction: ours,
            remoteHold: !answered.receives || oldHold, mediaIndex: index))
    }
}
