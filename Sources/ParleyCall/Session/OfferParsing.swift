import ParleySDP

/// Reading a peer's SDP the way carriers expect: strictly, except that a malformed
/// attribute line (e.g. `a=rtpmap:31 LPC` on a video stream, as in RFC 4475's examples)
/// is dropped rather than failing the whole offer — attributes the offer/answer needs are
/// checked again when it is negotiated.
enum OfferParsing {
    /// The description, or the error of the first problem that is not an attribute line.
    static func parse(_ body: [UInt8]) -> Result<SessionDescription, SDPError> {
        var lines = String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        for _ in 0..<16 {
            do {
                return .success(try SessionDescription(parsing: lines.joined(separator: "\n")))
            } catch {
                guard error.code == .malformedAttribute, error.line >= 1, error.line <= lines.count,
                      lines[error.line - 1].hasPrefix("a=") else { return .failure(error) }
                lines.remove(at: error.line - 1)
            }
        }
        return .failure(SDPError(.malformedAttribute, line: 0, "too many malformed attributes"))
    }
}
