/// An `m=` section (RFC 4566 §5.14) with its own lines.
public struct MediaDescription: Equatable, Sendable {
    /// `audio`, `video`, `application`, … kept as written.
    public var media: String
    public var port: UInt16
    /// The `/<number of ports>` suffix, if present.
    public var portCount: Int?
    /// `RTP/AVP`, `RTP/SAVP`, `udp`, … kept as written.
    public var proto: String
    /// Format list: payload type numbers for RTP profiles, kept as text.
    public var formats: [String]
    public var information: String?
    /// Zero or more `c=` lines; the first one is used for RTP.
    public var connections: [Connection] = []
    public var bandwidths: [Bandwidth] = []
    public var encryptionKey: String?
    public var attributes: [Attribute] = []

    public init(media: String = "audio", port: UInt16, portCount: Int? = nil, proto: String = "RTP/AVP",
                formats: [String], connections: [Connection] = [], attributes: [Attribute] = []) {
        self.media = media
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.connections = connections
        self.attributes = attributes
    }

    /// True when the profile is plain RTP/AVP (the only one Parley answers).
    public var isRTPAVP: Bool { proto.uppercased() == "RTP/AVP" }
}
