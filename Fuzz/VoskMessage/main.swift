// libFuzzer driver for what the network engine parses from a server: the handshake
// response head, WebSocket frames and Vosk JSON messages. The first input byte picks
// the parser; the rest is the input. Built by Scripts/fuzz.d/vosk-message.sh with
// `swiftc -sanitize=fuzzer,address -parse-as-library` over the parsers' sources.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVoskMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let input = Array(bytes.dropFirst())
    switch bytes[0] % 3 {
    case 0:
        _ = try? VoskMessage.parse(input)
    case 1:
        var parser = WebSocketFrameParser(maximumPayloadBytes: 1 << 16)
        // Feed in uneven pieces to exercise the incremental paths.
        var offset = 0
        var piece = 1
        while offset < input.count {
            let end = min(input.count, offset + piece)
            parser.append(input[offset..<end])
            while let frame = try? parser.next() {
                precondition(frame.payload.count <= 1 << 16, "payload over the limit")
                if frame.opcode.isControl { precondition(frame.fin && frame.payload.count <= 125, "control frame rule") }
            }
            offset = end
            piece = piece * 2 + 1
        }
    default:
        let handshake = WebSocketHandshake(host: "127.0.0.1", port: 2700, path: "/", keyBytes: [UInt8](repeating: 7, count: 16))
        if let used = try? handshake.validate(input) { precondition(used <= input.count, "head longer than input") }
    }
    return 0
}
