/// An RFC 4566 session description. Unknown attributes are kept verbatim, in order,
/// so that a parsed description serializes back to an equivalent text.
public struct SessionDescription: Equatable, Sendable {
    /// `o=` — originator and session identifier (RFC 4566 §5.2).
    public struct Origin: Equatable, Sendable {
        public var username: String
        /// Kept as text: peers use numbers beyond 64 bits.
        public var sessionID: String
        public var sessionVersion: UInt64
        public var networkType: String
        public var addressType: AddressType
        public var unicastAddress: String

        public init(username: String = "-", sessionID: String, sessionVersion: UInt64,
                    networkType: String = "IN", addressType: AddressType, unicastAddress: String) {
            self.username = username
            self.sessionID = sessionID
            self.sessionVersion = sessionVersion
            self.networkType = networkType
            self.addressType = addressType
            self.unicastAddress = unicastAddress
        }
    }

    /// `t=` with the `r=` lines that follow it (kept verbatim).
    public struct Timing: Equatable, Sendable {
        public var startTime: UInt64
        public var stopTime: UInt64
        public var repeatLines: [String]

        public init(startTime: UInt64 = 0, stopTime: UInt64 = 0, repeatLines: [String] = []) {
            self.startTime = startTime
            self.stopTime = stopTime
            self.repeatLines = repeatLines
        }
    }

    /// Protocol version (`v=`); only 0 exists.
    public var version: Int = 0
    public var origin: Origin
    public var sessionName: String
    public var information: String?
    public var uri: String?
    public var emails: [String] = []
    public var phones: [String] = []
    public var connection: Connection?
    public var bandwidths: [Bandwidth] = []
    public var timings: [Timing] = [Timing()]
    /// `z=` kept verbatim.
    public var timeZones: String?
    /// `k=` kept verbatim.
    public var encryptionKey: String?
    public var attributes: [Attribute] = []
    public var media: [MediaDescription] = []

    public init(origin: Origin, sessionName: String = "-", connection: Connection? = nil,
                attributes: [Attribute] = [], media: [MediaDescription] = []) {
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.attributes = attributes
        self.media = media
    }

    /// The connection that applies to media `index`: its own `c=`, else the session's.
    public func effectiveConnection(forMedia index: Int) -> Connection? {
        guard media.indices.contains(index) else { return connection }
        return media[index].connections.first ?? connection
    }

    /// The direction of media `index`: its own attribute, else the session's, else sendrecv.
    public func effectiveDirection(forMedia index: Int) -> MediaDirection {
        if media.indices.contains(index), let d = media[index].direction { return d }
        return MediaDirection(attributes: attributes) ?? .sendrecv
    }
}

/// `IP4` or `IP6` (RFC 4566 addrtype); other values are kept as `other`.
public enum AddressType: Equatable, Sendable {
    case ip4
    case ip6
    case other(String)

    public init(token: String) {
        switch token {
        case "IP4": self = .ip4
        case "IP6": self = .ip6
        default: self = .other(token)
        }
    }

    public var token: String {
        switch self {
        case .ip4: "IP4"
        case .ip6: "IP6"
        case .other(let t): t
        }
    }
}

/// `c=` — connection data (RFC 4566 §5.7). `address` excludes any `/ttl/count` suffix.
public struct Connection: Equatable, Sendable {
    public var networkType: String
    public var addressType: AddressType
    public var address: String
    /// The `/ttl[/count]` suffix for multicast, verbatim without the first slash.
    public var multicastSuffix: String?

    public init(networkType: String = "IN", addressType: AddressType, address: String,
                multicastSuffix: String? = nil) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
        self.multicastSuffix = multicastSuffix
    }

    /// RFC 2543-style hold: `c=IN IP4 0.0.0.0` (RFC 3264 §8.4).
    public var isHoldAddress: Bool {
        addressType == .ip4 && address == "0.0.0.0" || addressType == .ip6 && address == "::"
    }
}

/// `b=<bwtype>:<bandwidth>` (RFC 4566 §5.8).
public struct Bandwidth: Equatable, Sendable {
    public var type: String
    public var kilobitsPerSecond: UInt64

    public init(type: String, kilobitsPerSecond: UInt64) {
        self.type = type
        self.kilobitsPerSecond = kilobitsPerSecond
    }
}

/// `a=<name>[:<value>]`, kept verbatim.
public struct Attribute: Equatable, Sendable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }
}

/// RFC 3264 §5.1 / RFC 4566 §6 direction attributes.
public enum MediaDirection: String, Equatable, Sendable, CaseIterable {
    case sendrecv
    case sendonly
    case recvonly
    case inactive

    /// The first direction attribute in `attributes`, if any.
    public init?(attributes: [Attribute]) {
        for a in attributes where a.value == nil {
            if let d = MediaDirection(rawValue: a.name) { self = d; return }
        }
        return nil
    }

    /// What the answerer puts in its answer (RFC 3264 §6.1).
    public var answer: MediaDirection {
        switch self {
        case .sendrecv: .sendrecv
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        case .inactive: .inactive
        }
    }

    public var sends: Bool { self == .sendrecv || self == .sendonly }
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The intersection of two directions seen from the same side.
    public func intersection(_ other: MediaDirection) -> MediaDirection {
        let send = sends && other.sends
        let receive = receives && other.receives
        switch (send, receive) {
        case (true, true): return .sendrecv
        case (true, false): return .sendonly
        case (false, true): return .recvonly
        case (false, false): return .inactive
        }
    }
}
