// libFuzzer entry point for the SIP URI and name-addr parsers, compiled together with
// Sources/ParleySIP by Scripts/fuzz.d/sip-uri.sh.
//
// Safety invariants: libFuzzer passes `data` pointing at `size` readable bytes that stay
// valid for the duration of the call; they are copied into an Array before any parsing,
// and no pointer escapes this function. A nil `data` only occurs with `size == 0`.

@_cdecl("LLVMFuzzerTestOneInput")
public func sipURIFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes: [UInt8] = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    if let uri = try? SIPURI(parsing: text) {
        let written = uri.serialized
        guard let again = try? SIPURI(parsing: written) else { fatalError("serialized URI does not parse again") }
        if !uri.isEquivalent(to: again) { fatalError("URI not equivalent to its own serialization") }
        _ = uri.hostAddress
        _ = IPAddress(uri.host)
    }
    if let nameAddr = try? SIPNameAddress(parsing: text) {
        guard (try? SIPNameAddress(parsing: nameAddr.serialized)) != nil else {
            fatalError("serialized name-addr does not parse again")
        }
    }
    _ = try? SIPVia(parsing: text)
    _ = try? SIPCSeq(parsing: text)
    _ = CIDRAllowlist.Block(text)
    _ = DigestChallenge(header: text)
    _ = DTMFRelay(body: bytes)
    return 0
}
