/// Typed views of the attributes Parley uses; everything else stays verbatim.
extension MediaDescription {
    /// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]`.
    public struct RTPMap: Equatable, Sendable {
        public var payloadType: UInt8
        public var encodingName: String
        public var clockRate: Int
        public var channels: Int?

        public init(payloadType: UInt8, encodingName: String, clockRate: Int, channels: Int? = nil) {
            self.payloadType = payloadType
            self.encodingName = encodingName
            self.clockRate = clockRate
            self.channels = channels
        }

        /// Parses the attribute value (`0 PCMU/8000`); nil when malformed.
        public init?(value: String) {
            let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, let pt = UInt8(parts[0]), pt < 128 else { return nil }
            let enc = parts[1].trimmingSpaces().split(separator: "/", omittingEmptySubsequences: false)
            guard enc.count == 2 || enc.count == 3, !enc[0].isEmpty,
                  let rate = Int(enc[1]), rate > 0 else { return nil }
            var channels: Int?
            if enc.count == 3 {
                guard let c = Int(enc[2]), c > 0 else { return nil }
                channels = c
            }
            self.init(payloadType: pt, encodingName: String(enc[0]), clockRate: rate, channels: channels)
        }

        public var value: String {
            "\(payloadType) \(encodingName)/\(clockRate)" + (channels.map { "/\($0)" } ?? "")
        }
    }

    /// The direction attribute of this section, if any.
    public var direction: MediaDirection? { MediaDirection(attributes: attributes) }

    /// Replaces any direction attribute with `direction` (appended at the end).
    public mutating func setDirection(_ direction: MediaDirection) {
        attributes.removeAll { $0.value == nil && MediaDirection(rawValue: $0.name) != nil }
        attributes.append(Attribute(direction.rawValue))
    }

    /// All valid `a=rtpmap` lines, in order.
    public var rtpMaps: [RTPMap] {
        attributes.compactMap { $0.name == "rtpmap" ? $0.value.flatMap(RTPMap.init(value:)) : nil }
    }

    /// The rtpmap for `payloadType`, falling back to the RFC 3551 static table.
    public func rtpMap(for payloadType: UInt8) -> RTPMap? {
        if let m = rtpMaps.first(where: { $0.payloadType == payloadType }) { return m }
        return Self.staticPayloadTypes[payloadType]
    }

    /// `a=fmtp:<payload type> <parameters>` → the parameters.
    public func fmtp(for payloadType: UInt8) -> String? {
        let prefix = "\(payloadType) "
        for a in attributes where a.name == "fmtp" {
            guard let v = a.value else { continue }
            if v.hasPrefix(prefix) { return String(v.dropFirst(prefix.count)).trimmingSpaces() }
        }
        return nil
    }

    /// `a=ptime` in ms.
    public var ptimeMs: Int? { integerAttribute("ptime") }
    /// `a=maxptime` in ms.
    public var maxptimeMs: Int? { integerAttribute("maxptime") }

    /// `a=rtcp:<port>` (RFC 3605), if present.
    public var rtcpPort: UInt16? {
        guard let v = attributes.first(where: { $0.name == "rtcp" })?.value,
              let p = v.split(separator: " ").first else { return nil }
        return UInt16(p)
    }

    /// Payload type numbers in the format list (non-numeric formats skipped).
    public var payloadTypes: [UInt8] { formats.compactMap { UInt8($0) }.filter { $0 < 128 } }

    func integerAttribute(_ name: String) -> Int? {
        guard let v = attributes.first(where: { $0.name == name })?.value else { return nil }
        // Some peers write `20.0` (fractional ptime is allowed by RFC 4566).
        let head = v.split(separator: ".").first.map(String.init) ?? v
        guard let n = Int(head.trimmingSpaces()), n > 0, n <= 10_000 else { return nil }
        return n
    }

    /// The RFC 3551 static payload types Parley can meet.
    public static let staticPayloadTypes: [UInt8: RTPMap] = [
        0: RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000),
        3: RTPMap(payloadType: 3, encodingName: "GSM", clockRate: 8000),
        4: RTPMap(payloadType: 4, encodingName: "G723", clockRate: 8000),
        8: RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000),
        9: RTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000),
        13: RTPMap(payloadType: 13, encodingName: "CN", clockRate: 8000),
        18: RTPMap(payloadType: 18, encodingName: "G729", clockRate: 8000),
    ]
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
