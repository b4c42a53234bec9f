/// CSeq (RFC 3261 §20.16): a 32-bit sequence number and the request method.
public struct SIPCSeq: Sendable, Equatable, CustomStringConvertible {
    public var sequence: UInt32
    public var method: SIPMethod

    public init(_ sequence: UInt32, _ method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    public var description: String { "\(sequence) \(method.name)" }

    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let parts = SIPGrammar.trim(text).utf8Split(0x20, omittingEmpty: true).flatMap { $0.utf8Split(0x09, omittingEmpty: true) }
        guard parts.count == 2, SIPGrammar.isDigits(parts[0]), SIPGrammar.isToken(parts[1]) else {
            throw SIPParseError(.malformedCSeq, "Bad CSeq")
        }
        guard parts[0].count <= 10, let n = UInt64(parts[0]), n <= UInt64(UInt32.max) else {
            throw SIPParseError(.malformedCSeq, "CSeq number out of range")
        }
        sequence = UInt32(n)
        method = SIPMethod(String(parts[1]))
    }
}
