/// RFC 3264 offer/answer for one SIP session, as a pure state machine: parleyd answers
/// inbound offers and makes offers for outbound calls and re-INVITEs (hold, refresh).
/// It reads no clock and does no I/O; the call layer feeds it parsed descriptions and
/// carries the returned descriptions in SIP bodies.
public struct OfferAnswer: Sendable {
    public struct Configuration: Equatable, Sendable {
        /// Codecs in order of preference; the first one the peer also offers wins.
        public var codecs: [AudioCodec]
        public var telephoneEvent: Bool
        /// Packetization time Parley prefers, in ms.
        public var ptimeMs: Int
        public var maxptimeMs: Int
        public var localAddress: String
        public var localAddressType: AddressType
        public var localRTPPort: UInt16
        public var username: String
        /// Numeric session id for o= (the caller chooses it, e.g. from a random source).
        public var sessionID: UInt64
        public var sessionName: String

        public init(codecs: [AudioCodec] = [.pcmu, .pcma, .opus], telephoneEvent: Bool = true,
                    ptimeMs: Int = 20, maxptimeMs: Int = 40, localAddress: String,
                    localAddressType: AddressType = .ip4, localRTPPort: UInt16,
                    username: String = "parley", sessionID: UInt64, sessionName: String = "parley") {
            self.codecs = codecs
            self.telephoneEvent = telephoneEvent
            self.ptimeMs = ptimeMs
            self.maxptimeMs = maxptimeMs
            self.localAddress = localAddress
            self.localAddressType = localAddressType
            self.localRTPPort = localRTPPort
            self.username = username
            self.sessionID = sessionID
            self.sessionName = sessionName
        }
    }

    public enum State: Equatable, Sendable {
        /// No exchange completed yet.
        case idle
        /// Our offer is out; `previous` is what stays in force if it is rejected.
        case offerSent(offer: SessionDescription, previous: NegotiatedMedia?)
        /// An exchange completed.
        case stable(NegotiatedMedia)
    }

    public enum Event: Equatable, Sendable {
        /// The peer's offer (INVITE, re-INVITE or UPDATE body).
        case remoteOffer(SessionDescription)
        /// Make an offer (outbound INVITE, offerless INVITE's 200, re-INVITE).
        /// `direction` is what Parley wants: `.sendonly` to hold, `.sendrecv` to resume.
        case makeOffer(direction: MediaDirection)
        /// The peer's answer to our offer.
        case remoteAnswer(SessionDescription)
        /// Our offer failed (non-2xx, timeout): roll back to the previous state.
        case offerRejected
        /// The local RTP address changed (e.g. a new port before a re-offer).
        case localTransportChanged(address: String, addressType: AddressType, rtpPort: UInt16)
    }

    public enum Action: Equatable, Sendable {
        case sendOffer(SessionDescription)
        case sendAnswer(SessionDescription)
        /// Media parameters to apply now (start, update or hold the RTP stream).
        case negotiated(NegotiatedMedia)
        /// Refuse the peer's offer or answer; `error.sipStatus` gives the SIP code.
        case reject(OfferAnswerError)
    }

    public private(set) var configuration: Configuration
    public private(set) var state: State = .idle
    /// Version written in our next o= line (RFC 3264 §8: incremented on each change).
    public private(set) var sessionVersion: UInt64
    /// The last description Parley sent, to keep o= unchanged when nothing changed.
    public private(set) var lastSent: SessionDescription?

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.sessionVersion = configuration.sessionID % 1_000_000_000
    }

    public var negotiated: NegotiatedMedia? {
        switch state {
        case .idle: nil
        case .offerSent(_, let previous): previous
        case .stable(let m): m
        }
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .remoteOffer(let offer):
            if case .offerSent = state { return [.reject(OfferAnswerError(.glare, "offer while our offer is pending"))] }
            switch makeAnswer(to: offer, keeping: negotiated?.codec) {
            case .success(let (answer, media)):
                let sent = stamp(answer)
                state = .stable(media)
                return [.sendAnswer(sent), .negotiated(media)]
            case .failure(let error):
                return [.reject(error)]
            }
        case .makeOffer(let direction):
            let offer = stamp(makeOffer(direction: direction))
            let previous = negotiated
            state = .offerSent(offer: offer, previous: previous)
            return [.sendOffer(offer)]
        case .remoteAnswer(let answer):
            guard case .offerSent(let offer, let previous) = state else {
                return [.reject(OfferAnswerError(.unexpectedAnswer))]
            }
            switch accept(answer: answer, to: offer) {
            case .success(let media):
                state = .stable(media)
                return [.negotiated(media)]
            case .failure(let error):
                state = previous.map { .stable($0) } ?? .idle
                return [.reject(error)]
            }
        case .offerRejected:
            if case .offerSent(_, let previous) = state {
                state = previous.map { .stable($0) } ?? .idle
            }
            return []
        case .localTransportChanged(let address, let type, let port):
            configuration.localAddress = address
            configuration.localAddressType = type
            configuration.localRTPPort = port
            return []
        }
    }

    /// Fills o= with our identity; bumps the version when the body differs from the last sent.
    mutating func stamp(_ description: SessionDescription) -> SessionDescription {
        var d = description
        d.origin = origin(version: sessionVersion)
        if let last = lastSent {
            var unchanged = d
            unchanged.origin = last.origin
            if unchanged == last { return last }
            sessionVersion &+= 1
            d.origin = origin(version: sessionVersion)
        }
        lastSent = d
        return d
    }

    func origin(version: UInt64) -> SessionDescription.Origin {
        .init(username: configuration.username, sessionID: String(configuration.sessionID), sessionVersion: version,
              addressType: configuration.localAddressType, unicastAddress: configuration.localAddress)
    }
}
