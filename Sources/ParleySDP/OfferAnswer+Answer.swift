/// Answering (RFC 3264 §6): one audio stream accepted, every other m= line zero-ported.
extension OfferAnswer {
    func makeAnswer(to offer: SessionDescription, keeping current: AudioCodec?)
        -> Result<(SessionDescription, NegotiatedMedia), OfferAnswerError> {
        var answer = SessionDescription(origin: origin(version: sessionVersion), sessionName: configuration.sessionName)
        answer.connection = Connection(addressType: configuration.localAddressType, address: configuration.localAddress)
        var chosen: NegotiatedMedia?
        for (index, m) in offer.media.enumerated() {
            if chosen == nil, let (section, media) = answerAudio(offer: offer, index: index, keeping: current) {
                answer.media.append(section)
                chosen = media
            } else {
                answer.media.append(Self.rejected(m))
            }
        }
        guard let media = chosen else {
            return .failure(OfferAnswerError(.notAcceptable, "no acceptable audio stream"))
        }
        return .success((answer, media))
    }

    /// A zero-port copy of an m= line we do not take (RFC 3264 §6: same media and proto, one format).
    static func rejected(_ m: MediaDescription) -> MediaDescription {
        MediaDescription(media: m.media, port: 0, proto: m.proto, formats: Array(m.formats.prefix(1)))
    }

    func answerAudio(offer: SessionDescription, index: Int, keeping current: AudioCodec?)
        -> (MediaDescription, NegotiatedMedia)? {
        let m = offer.media[index]
        guard m.media.lowercased() == "audio", m.isRTPAVP, m.port != 0,
              let connection = offer.effectiveConnection(forMedia: index),
              connection.addressType == .ip4 || connection.addressType == .ip6 else { return nil }
        guard let (codec, pt) = pickCodec(in: m, keeping: current) else { return nil }

        var section = MediaDescription(port: configuration.localRTPPort, formats: [String(pt)])
        section.attributes.append(Attribute("rtpmap", MediaDescription.RTPMap(
            payloadType: pt, encodingName: codec.encodingName, clockRate: codec.clockRate,
            channels: codec.rtpmapChannels).value))
        if let f = codec.fmtp { section.attributes.append(Attribute("fmtp", "\(pt) \(f)")) }

        var eventPT: UInt8?
        if configuration.telephoneEvent {
            eventPT = m.payloadTypes.first { p in
                guard let map = m.rtpMap(for: p) else { return false }
                return map.encodingName.lowercased() == "telephone-event" && map.clockRate == codec.clockRate
            }
            if let e = eventPT {
                section.formats.append(String(e))
                section.attributes.append(Attribute("rtpmap", "\(e) telephone-event/\(codec.clockRate)"))
                section.attributes.append(Attribute("fmtp", "\(e) 0-16"))
            }
        }
        let ptime = sendPtime(codec: codec, offered: m)
        section.attributes.append(Attribute("ptime", String(ptime)))

        // Direction: the offer's, with RFC 2543 hold (c=0.0.0.0) meaning "do not send to me".
        var offered = offer.effectiveDirection(forMedia: index)
        let oldHold = connection.isHoldAddress
        if oldHold { offered = offered.intersection(.sendonly) }
        let answerDirection = offered.answer
        section.setDirection(answerDirection)

        let media = NegotiatedMedia(
            codec: codec, payloadType: pt, clockRate: codec.clockRate, telephoneEventPayloadType: eventPT,
            ptimeMs: ptime, remoteAddress: connection.address, remoteAddressType: connection.addressType,
            remoteRTPPort: m.port, remoteRTCPPort: m.rtcpPort ?? (m.port &+ 1), direction: answerDirection,
            remoteHold: !offered.receives || oldHold, mediaIndex: index)
        return (section, media)
    }

    /// The first codec in our preference the offer carries; the current one wins if still offered.
    func pickCodec(in m: MediaDescription, keeping current: AudioCodec?) -> (AudioCodec, UInt8)? {
        var order = configuration.codecs
        if let c = current, let i = order.firstIndex(of: c) { order.remove(at: i); order.insert(c, at: 0) }
        for codec in order {
            for pt in m.payloadTypes {
                guard let map = m.rtpMap(for: pt), codec.matches(map) else { continue }
                return (codec, pt)
            }
        }
        return nil
    }

    /// The ptime Parley sends with: the peer's wish when sane, within its maxptime.
    func sendPtime(codec: AudioCodec, offered m: MediaDescription) -> Int {
        var ptime = configuration.ptimeMs
        if let wish = m.ptimeMs, wish % 10 == 0, wish >= 10, wish <= (codec == .opus ? 60 : 40) { ptime = wish }
        if let max = m.maxptimeMs, ptime > max, max >= 10 { ptime = max - max % 10 }
        return ptime
    }
}
