/// The audio codecs Parley negotiates, with their RTP descriptions.
public enum AudioCodec: String, Equatable, Hashable, Sendable, CaseIterable {
    case pcmu
    case pcma
    case opus

    /// rtpmap encoding name (matched case-insensitively).
    public var encodingName: String {
        switch self {
        case .pcmu: "PCMU"
        case .pcma: "PCMA"
        case .opus: "opus"
        }
    }

    /// RTP clock rate in Hz.
    public var clockRate: Int { self == .opus ? 48_000 : 8_000 }
    /// Channel count written in rtpmap (opus is always signalled as 2, RFC 7587).
    public var rtpmapChannels: Int? { self == .opus ? 2 : nil }
    /// The static payload type (RFC 3551), if any.
    public var staticPayloadType: UInt8? {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        case .opus: nil
        }
    }
    /// The payload type Parley offers.
    public var offeredPayloadType: UInt8 { staticPayloadType ?? 111 }

    /// fmtp Parley writes for this codec, if any.
    public var fmtp: String? { self == .opus ? "useinbandfec=1" : nil }

    /// Whether `map` describes this codec.
    public func matches(_ map: MediaDescription.RTPMap) -> Bool {
        guard map.encodingName.lowercased() == encodingName.lowercased(), map.clockRate == clockRate else { return false }
        if self == .opus { return map.channels == 2 }
        return map.channels == nil || map.channels == 1
    }
}

/// The outcome of a completed offer/answer exchange for the audio stream.
public struct NegotiatedMedia: Equatable, Sendable {
    public var codec: AudioCodec
    /// Payload type used in both directions (the offerer's number).
    public var payloadType: UInt8
    public var clockRate: Int
    /// RFC 4733 telephone-event payload type at `clockRate`, when both sides support it.
    public var telephoneEventPayloadType: UInt8?
    /// Packetization time Parley sends with, in ms.
    public var ptimeMs: Int
    /// Where to send RTP. `remoteAddress` is "0.0.0.0" under RFC 2543 hold.
    public var remoteAddress: String
    public var remoteAddressType: AddressType
    public var remoteRTPPort: UInt16
    /// `a=rtcp` when present, else RTP port + 1.
    public var remoteRTCPPort: UInt16
    /// Parley's direction: whether it sends and/or receives.
    public var direction: MediaDirection
    /// True when the peer does not want our media: it put the call on hold (sendonly, inactive or 0.0.0.0).
    public var remoteHold: Bool
    /// Index of the negotiated `m=` line.
    public var mediaIndex: Int

    public init(codec: AudioCodec, payloadType: UInt8, clockRate: Int, telephoneEventPayloadType: UInt8?,
                ptimeMs: Int, remoteAddress: String, remoteAddressType: AddressType, remoteRTPPort: UInt16,
                remoteRTCPPort: UInt16, direction: MediaDirection, remoteHold: Bool, mediaIndex: Int) {
        self.codec = codec
        self.payloadType = payloadType
        self.clockRate = clockRate
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.ptimeMs = ptimeMs
        self.remoteAddress = remoteAddress
        self.remoteAddressType = remoteAddressType
        self.remoteRTPPort = remoteRTPPort
        self.remoteRTCPPort = remoteRTCPPort
        self.direction = direction
        self.remoteHold = remoteHold
        self.mediaIndex = mediaIndex
    }
}

/// Why an offer or answer could not be accepted.
public struct OfferAnswerError: Error, Equatable, Sendable {
    public enum Code: String, Sendable, Equatable {
        /// No audio stream with an acceptable codec (SIP 488).
        case notAcceptable
        /// An offer arrived while our own offer awaits its answer (SIP 491).
        case glare
        /// An answer arrived when no offer was outstanding.
        case unexpectedAnswer
        /// The answer does not match the offer (m= count, codecs not offered).
        case answerMismatch
    }

    public var code: Code
    public var context: String

    public init(_ code: Code, _ context: String = "") {
        self.code = code
        self.context = context
    }

    /// The SIP status the call layer should answer with.
    public var sipStatus: Int {
        switch code {
        case .notAcceptable, .answerMismatch: 488
        case .glare: 491
        case .unexpectedAnswer: 500
        }
    }
}
