// libFuzzer driver for what the webhook client parses from a server: the HTTP/1.1 response
// head and body framing (HTTPResponseParser). The first input byte picks how the input is
// cut into reads; the rest is the response. Built by Scripts/fuzz.d/http-response.sh with
// `swiftc -sanitize=fuzzer,address -parse-as-library` over the parser's source.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPResponse(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let piece = Int(bytes[0] % 16) + 1
    let input = Array(bytes.dropFirst())
    var parser = HTTPResponseParser(maximumHeadBytes: 1_024, maximumBodyBytes: 2_048)
    var offset = 0
    while offset < input.count {
        let end = min(input.count, offset + piece)
        do {
            if case .complete(let status) = try parser.append(input[offset..<end]) {
                precondition((100...999).contains(status), "status out of range")
                return 0
            }
        } catch {
            _ = error.description
            return 0
        }
        precondition(parser.bodyBytes <= input.count, "counted more body than input")
        offset = end
    }
    if let status = parser.finish() { precondition((100...999).contains(status), "status out of range") }
    return 0
}
