/// The RFC 4733 §2.3 event payload: event code, end bit, volume, duration.
/// Events 0–9, 10 `*`, 11 `#`, 12–15 `A`–`D`, 16 flash.
public struct TelephoneEvent: Equatable, Sendable, BitwiseCopyable {
    public var event: UInt8
    public var end: Bool
    /// Power level in −dBm0 (0–63).
    public var volume: UInt8
    /// Duration so far, in RTP timestamp units.
    public var duration: UInt16

    public static let size = 4
    public static let highestDTMFEvent: UInt8 = 16

    public init(event: UInt8, end: Bool = false, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.end = end
        self.volume = volume & 0x3F
        self.duration = duration
    }

    public init(parsing p: Span<UInt8>) throws(RTPParseError) {
        guard p.count >= Self.size else { throw RTPParseError(.tooShort, offset: p.count) }
        self.init(event: p[0], end: p[1] & 0x80 != 0, volume: p[1] & 0x3F, duration: p.readUInt16(at: 2))
    }

    /// Writes the 4-byte payload; returns 4, or 0 when `out` is too small.
    public func write(into out: inout MutableSpan<UInt8>, at o: Int = 0) -> Int {
        guard o >= 0, o + Self.size <= out.count else { return 0 }
        out[o] = event
        out[o + 1] = (end ? 0x80 : 0) | (volume & 0x3F)
        out.writeUInt16(duration, at: o + 2)
        return Self.size
    }

    /// The keypad symbol for a DTMF event code (nil above 16).
    public static func symbol(for event: UInt8) -> Character? {
        let table: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D", "!"]
        return event < table.count ? table[Int(event)] : nil
    }

    /// The event code for a keypad symbol (as in SIP INFO `Signal=`), case-insensitive.
    public static func code(for symbol: Character) -> UInt8? {
        switch symbol {
        case "0"..."9": symbol.asciiValue.map { $0 - 48 }
        case "*": 10
        case "#": 11
        case "A", "a": 12
        case "B", "b": 13
        case "C", "c": 14
        case "D", "d": 15
        case "!": 16
        default: nil
        }
    }
}

/// A DTMF digit seen on the wire: event code, where it started (RTP timestamp) and
/// how long it lasted in timestamp units (0 at begin).
public struct DTMFDigit: Equatable, Sendable, BitwiseCopyable {
    public var event: UInt8
    public var timestamp: UInt32
    public var durationSamples: Int

    public init(event: UInt8, timestamp: UInt32, durationSamples: Int) {
        self.event = event
        self.timestamp = timestamp
        self.durationSamples = durationSamples
    }
}
