/// RFC 4566 parser: strict about the structure (`v`, `o`, `s` first, known type letters,
/// numeric fields, a connection for every used media), tolerant of unknown attributes
/// (kept verbatim), LF-only line ends, and blank lines. Errors carry 1-based line numbers.
extension SessionDescription {
    /// Upper bounds that keep hostile input from growing memory.
    public enum Limits {
        public static let maxBytes = 65_536
        public static let maxLines = 2_048
        public static let maxMedia = 32
    }

    public init(parsing text: String) throws(SDPError) {
        try self.init(parsing: Array(text.utf8))
    }

    public init(parsing bytes: [UInt8]) throws(SDPError) {
        guard bytes.count <= Limits.maxBytes else {
            throw SDPError(.tooLarge, line: 0, "\(bytes.count) bytes")
        }
        var parser = SDPLineParser()
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            guard lineNumber <= Limits.maxLines else { throw SDPError(.tooManyLines, line: lineNumber) }
            var stop = end
            if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
            if stop > start {
                guard let line = String(validating: bytes[start..<stop], as: UTF8.self) else {
                    throw SDPError(.notUTF8, line: lineNumber)
                }
                try parser.consume(line, lineNumber: lineNumber)
            }
            start = end + 1
        }
        self = try parser.finish(lineCount: lineNumber)
    }
}

/// Line-at-a-time state of the parser.
struct SDPLineParser {
    var version: Int?
    var origin: SessionDescription.Origin?
    var sessionName: String?
    var session: SessionDescription?
    var timings: [SessionDescription.Timing] = []
    var media: [MediaDescription] = []
    var mediaLines: [Int] = []
    var lineNumberOfSessionConnection = 0

    mutating func consume(_ line: String, lineNumber n: Int) throws(SDPError) {
        let u = line.utf8
        guard u.count >= 2, let type = u.first, u[u.index(after: u.startIndex)] == UInt8(ascii: "="),
              type >= UInt8(ascii: "a"), type <= UInt8(ascii: "z") else {
            throw SDPError(.malformedLine, line: n, "expected <type>=<value>")
        }
        let value = String(line.dropFirst(2))
        let t = Character(Unicode.Scalar(type))
        if version == nil {
            guard t == "v" else { throw SDPError(.missingVersion, line: n, "first line must be v=") }
            guard value == "0" else { throw SDPError(.unsupportedVersion, line: n, value) }
            version = 0
            return
        }
        if origin == nil {
            guard t == "o" else { throw SDPError(.missingOrigin, line: n, "o= must follow v=") }
            origin = try Self.parseOrigin(value, line: n)
            return
        }
        if sessionName == nil {
            guard t == "s" else { throw SDPError(.missingSessionName, line: n, "s= must follow o=") }
            // RFC 4566 wants a non-empty name; some peers send "s=" — accept and keep it.
            sessionName = value
            session = SessionDescription(origin: origin!, sessionName: value)
            session!.timings = []
            return
        }
        if media.isEmpty {
            try consumeSession(t, value, line: n)
        } else {
            try consumeMedia(t, value, line: n)
        }
    }

    mutating func consumeSession(_ t: Character, _ value: String, line n: Int) throws(SDPError) {
        switch t {
        case "v", "o", "s": throw SDPError(.duplicateLine, line: n, "\(t)=")
        case "i": session!.information = value
        case "u": session!.uri = value
        case "e": session!.emails.append(value)
        case "p": session!.phones.append(value)
        case "c":
            guard session!.connection == nil else { throw SDPError(.duplicateLine, line: n, "c=") }
            session!.connection = try Self.parseConnection(value, line: n)
        case "b": session!.bandwidths.append(try Self.parseBandwidth(value, line: n))
        case "t":
            let f = value.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count == 2, let start = UInt64(f[0]), let stop = UInt64(f[1]) else {
                throw SDPError(.malformedTiming, line: n, value)
            }
            session!.timings.append(.init(startTime: start, stopTime: stop))
        case "r":
            guard !session!.timings.isEmpty else { throw SDPError(.outOfOrder, line: n, "r= before t=") }
            session!.timings[session!.timings.count - 1].repeatLines.append(value)
        case "z": session!.timeZones = value
        case "k": session!.encryptionKey = value
        case "a": session!.attributes.append(try Self.parseAttribute(value, line: n))
        case "m": try startMedia(value, line: n)
        default: throw SDPError(.unknownType, line: n, "\(t)=")
        }
    }

    mutating func consumeMedia(_ t: Character, _ value: String, line n: Int) throws(SDPError) {
        let i = media.count - 1
        switch t {
        case "m": try startMedia(value, line: n)
        case "i": media[i].information = value
        case "c": media[i].connections.append(try Self.parseConnection(value, line: n))
        case "b": media[i].bandwidths.append(try Self.parseBandwidth(value, line: n))
        case "k": media[i].encryptionKey = value
        case "a": media[i].attributes.append(try Self.parseAttribute(value, line: n))
        case "v", "o", "s", "u", "e", "p", "t", "r", "z":
            throw SDPError(.outOfOrder, line: n, "\(t)= inside a media section")
        default: throw SDPError(.unknownType, line: n, "\(t)=")
        }
    }

    mutating func startMedia(_ value: String, line n: Int) throws(SDPError) {
        guard media.count < SessionDescription.Limits.maxMedia else { throw SDPError(.tooManyMedia, line: n) }
        let f = value.split(separator: " ", omittingEmptySubsequences: true)
        guard f.count >= 4 else { throw SDPError(.malformedMedia, line: n, "m=<media> <port> <proto> <fmt> ...") }
        let portField = f[1].split(separator: "/", omittingEmptySubsequences: false)
        guard portField.count <= 2, let port = UInt16(portField[0]) else {
            throw SDPError(.malformedMedia, line: n, "port")
        }
        var count: Int?
        if portField.count == 2 {
            guard let c = Int(portField[1]), c > 0, c <= 65_536 else { throw SDPError(.malformedMedia, line: n, "port count") }
            count = c
        }
        let proto = String(f[2])
        let formats = f[3...].map(String.init)
        if proto.uppercased().hasPrefix("RTP/") {
            for fmt in formats {
                guard let pt = UInt8(fmt), pt < 128 else { throw SDPError(.malformedMedia, line: n, "payload type") }
            }
        }
        media.append(MediaDescription(media: String(f[0]), port: port, portCount: count, proto: proto, formats: formats))
        mediaLines.append(n)
    }

    func finish(lineCount: Int) throws(SDPError) -> SessionDescription {
        guard version != nil else { throw SDPError(.missingVersion, line: 0, "empty description") }
        guard origin != nil else { throw SDPError(.missingOrigin, line: lineCount) }
        guard var s = session else { throw SDPError(.missingSessionName, line: lineCount) }
        if s.timings.isEmpty { s.timings = [.init()] }   // tolerated: many peers omit t=
        for (i, m) in media.enumerated() where m.port != 0 && m.connections.isEmpty && s.connection == nil {
            throw SDPError(.missingConnection, line: mediaLines[i], "no c= for m=\(m.media)")
        }
        s.media = media
        return s
    }

    static func parseOrigin(_ value: String, line n: Int) throws(SDPError) -> SessionDescription.Origin {
        let f = value.split(separator: " ", omittingEmptySubsequences: true)
        guard f.count == 6, !f[1].isEmpty, f[1].allSatisfy(\.isASCIIDigitLike) else {
            throw SDPError(.malformedOrigin, line: n, "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>")
        }
        guard let version = UInt64(f[2]) else { throw SDPError(.malformedOrigin, line: n, "sess-version") }
        return .init(username: String(f[0]), sessionID: String(f[1]), sessionVersion: version,
                     networkType: String(f[3]), addressType: AddressType(token: String(f[4])),
                     unicastAddress: String(f[5]))
    }

    static func parseConnection(_ value: String, line n: Int) throws(SDPError) -> Connection {
        let f = value.split(separator: " ", omittingEmptySubsequences: true)
        guard f.count == 3 else { throw SDPError(.malformedConnection, line: n, "c=<nettype> <addrtype> <address>") }
        let type = AddressType(token: String(f[1]))
        let parts = f[2].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = String(parts[0])
        guard !address.isEmpty else { throw SDPError(.malformedConnection, line: n, "address") }
        switch type {
        case .ip4:
            // Dotted quad or a host name (RFC 4566 allows FQDNs); reject obvious IPv6 here.
            guard !address.contains(":") else { throw SDPError(.malformedConnection, line: n, "IPv6 address with IP4") }
        case .ip6:
            guard address.contains(":") || !address.contains(where: { $0 == "/" }) else {
                throw SDPError(.malformedConnection, line: n, "address")
            }
        case .other: break
        }
        return Connection(networkType: String(f[0]), addressType: type, address: address,
                          multicastSuffix: parts.count == 2 ? String(parts[1]) : nil)
    }

    static func parseBandwidth(_ value: String, line n: Int) throws(SDPError) -> Bandwidth {
        let p = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard p.count == 2, !p[0].isEmpty, let bw = UInt64(p[1].trimmingSpaces()) else {
            throw SDPError(.malformedBandwidth, line: n, value)
        }
        return Bandwidth(type: String(p[0]), kilobitsPerSecond: bw)
    }

    static func parseAttribute(_ value: String, line n: Int) throws(SDPError) -> Attribute {
        guard !value.isEmpty else { throw SDPError(.malformedAttribute, line: n, "empty a=") }
        guard let colon = value.firstIndex(of: ":") else { return Attribute(value) }
        let name = String(value[..<colon])
        guard !name.isEmpty, !name.contains(" ") else { throw SDPError(.malformedAttribute, line: n, value) }
        let v = String(value[value.index(after: colon)...])
        switch name {
        case "rtpmap":
            guard MediaDescription.RTPMap(value: v) != nil else { throw SDPError(.malformedAttribute, line: n, "rtpmap") }
        case "ptime", "maxptime":
            guard let head = v.split(separator: ".").first, Int(head) != nil else {
                throw SDPError(.malformedAttribute, line: n, name)
            }
        default: break
        }
        return Attribute(name, v)
    }
}

extension Character {
    var isASCIIDigitLike: Bool { isASCII && isNumber }
}
