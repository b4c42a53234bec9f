/// An `application/dtmf-relay` INFO body (`Signal=5\r\nDuration=160`), as sent by many
/// SIP devices. The signal is personal data: never log it.
public struct DTMFRelay: Sendable, Equatable {
    /// One of 0-9, *, #, A-D (and 16 for a flash, kept as "16").
    public var signal: String
    public var durationMs: Int?

    public init(signal: String, durationMs: Int? = nil) {
        self.signal = signal
        self.durationMs = durationMs
    }

    public static let contentType = "application/dtmf-relay"

    public init?(body: [UInt8]) {
        var signal: String?
        var duration: Int?
        let text = String(decoding: body, as: UTF8.self)
        for line in text.split(whereSeparator: { $0.isNewline }) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = SIPGrammar.trim(line[line.startIndex..<eq]).lowercased()
            let value = String(SIPGrammar.trim(line[line.index(after: eq)...]))
            switch key {
            case "signal": signal = value
            case "duration": duration = Int(value)
            default: break
            }
        }
        guard let signal, DTMFRelay.isValidSignal(signal) else { return nil }
        self.signal = signal.uppercased()
        self.durationMs = duration
    }

    static func isValidSignal(_ s: String) -> Bool {
        if s == "16" { return true }
        guard s.count == 1, let c = s.uppercased().first else { return false }
        return c.isNumber || c == "*" || c == "#" || ("A"..."D").contains(c)
    }

    public var body: [UInt8] {
        var text = "Signal=\(signal)\r\n"
        if let durationMs { text += "Duration=\(durationMs)\r\n" }
        return Array(text.utf8)
    }
}
