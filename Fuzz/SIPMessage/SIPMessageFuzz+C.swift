// libFuzzer entry point for the SIP message parser, compiled together with
// Sources/ParleySIP by Scripts/fuzz.d/sip-message.sh.
//
// Safety invariants: libFuzzer passes `data` pointing at `size` readable bytes that stay
// valid for the duration of the call; they are copied into an Array before any parsing,
// and no pointer escapes this function. A nil `data` only occurs with `size == 0`.

@_cdecl("LLVMFuzzerTestOneInput")
public func sipMessageFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes: [UInt8] = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let parser = SIPParser()
    for framing in [SIPParser.Framing.datagram, .stream] {
        switch parser.parse(bytes, framing: framing) {
        case let .message(m):
            // Typed views must never trap on anything the parser accepted.
            _ = m.vias; _ = m.from; _ = m.to; _ = m.cseq; _ = m.contacts; _ = m.routes
            _ = m.recordRoutes; _ = m.requestURI; _ = TransactionKey.server(for: m)
            _ = DialogID.forIncoming(m); _ = DigestChallenge.challenges(in: m)
            // What we accept we can write back and read again.
            let once = m.serialized()
            guard case let .message(again) = parser.parse(once, framing: .stream) else {
                fatalError("serialized message does not parse again")
            }
            if again.serialized() != once { fatalError("parse → serialize is not a fixed point") }
        case let .badRequest(request, error):
            let response = SIPMessage.response(to: request, statusCode: error.statusCode, reason: error.reason, toTag: "f")
            _ = response.serialized()
        case .drop:
            break
        }
    }
    var framer = SIPStreamFramer()
    framer.append(bytes)
    framer.append(bytes)
    var frames = 0
    while let frame = framer.next(), frames < 64 {
        frames += 1
        if case let .message(m) = frame { _ = parser.parse(m, framing: .stream) }
    }
    return 0
}
