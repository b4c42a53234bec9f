/// Symmetric RTP (RFC 4961 behaviour behind NAT): latch onto the source of the first
/// valid RTP packet and send there; ignore packets from any other source. Pure: the
/// media thread asks it about each datagram and acts on the decision.
public struct SymmetricRTPLatch: Equatable, Sendable, BitwiseCopyable {
    public enum Decision: Equatable, Sendable, BitwiseCopyable {
        /// First valid packet: the stream is now latched to this source (send RTP there).
        case latched(RTPTransportAddress)
        /// From the latched source, same SSRC.
        case accept
        /// From the latched source with a new SSRC: reset sequence state and statistics.
        case ssrcChanged(old: UInt32, new: UInt32)
        /// From another source, or a payload type not negotiated: drop and count.
        case ignore
    }

    /// Where SDP said to send until latching (the initial destination).
    public private(set) var signalled: RTPTransportAddress?
    public private(set) var latchedSource: RTPTransportAddress?
    public private(set) var latchedSSRC: UInt32 = 0
    public private(set) var ignoredPackets: UInt64 = 0
    /// Payload types accepted for latching (codec and telephone-event); others are ignored.
    public var acceptedPayloadTypes: (UInt8, UInt8?)

    public init(signalled: RTPTransportAddress?, payloadType: UInt8, telephoneEventPayloadType: UInt8?) {
        self.signalled = signalled
        acceptedPayloadTypes = (payloadType, telephoneEventPayloadType)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.signalled == b.signalled && a.latchedSource == b.latchedSource && a.latchedSSRC == b.latchedSSRC
            && a.ignoredPackets == b.ignoredPackets && a.acceptedPayloadTypes.0 == b.acceptedPayloadTypes.0
            && a.acceptedPayloadTypes.1 == b.acceptedPayloadTypes.1
    }

    /// Where to send RTP now: the latched source, else the signalled address.
    public var destination: RTPTransportAddress? { latchedSource ?? signalled }

    /// Decides about one parsed packet from `source`.
    public mutating func receive(from source: RTPTransportAddress, ssrc: UInt32, payloadType: UInt8) -> Decision {
        guard payloadType == acceptedPayloadTypes.0 || payloadType == acceptedPayloadTypes.1 else {
            ignoredPackets &+= 1
            return .ignore
        }
        guard let latched = latchedSource else {
            latchedSource = source
            latchedSSRC = ssrc
            return .latched(source)
        }
        guard latched == source else {
            ignoredPackets &+= 1
            return .ignore
        }
        if ssrc != latchedSSRC {
            let old = latchedSSRC
            latchedSSRC = ssrc
            return .ssrcChanged(old: old, new: ssrc)
        }
        return .accept
    }

    /// After a re-INVITE changes the remote address: forget the latch and start again.
    public mutating func relatch(signalled: RTPTransportAddress?) {
        self.signalled = signalled
        latchedSource = nil
        latchedSSRC = 0
    }
}
