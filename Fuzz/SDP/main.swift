// libFuzzer entry point for the SDP parser, serializer and offer/answer.
// Safety invariants: libFuzzer passes `data` valid for reading `size` bytes for the
// duration of this call only; the bytes are copied into an Array at once and the
// pointer is never stored or used after the copy. Built by Scripts/fuzz.d/sdp.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSDP(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let sdp = try? SessionDescription(parsing: bytes) else { return 0 }
    // Property: what we serialize parses back to the same description.
    let text = sdp.text
    guard let again = try? SessionDescription(parsing: text) else {
        fatalError("serialized SDP does not parse:\n\(text)")
    }
    precondition(again == sdp, "round trip changed the description:\n\(text)")
    // Property: whatever the offer, the answer (when there is one) parses and has as many m= lines.
    var oa = OfferAnswer(configuration: .init(localAddress: "127.0.0.1", localRTPPort: 20000, sessionID: 1))
    for action in oa.handle(.remoteOffer(sdp)) {
        if case .sendAnswer(let answer) = action {
            guard let parsed = try? SessionDescription(parsing: answer.text) else { fatalError("answer does not parse") }
            precondition(parsed.media.count == sdp.media.count, "answer m= count differs")
        }
    }
    // And as an answer to our own offer.
    _ = oa.handle(.makeOffer(direction: .sendrecv))
    _ = oa.handle(.remoteAnswer(sdp))
    return 0
}
