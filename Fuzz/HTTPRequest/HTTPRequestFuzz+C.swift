// libFuzzer entry point for the HTTP/1.1 request parser (HTTPRequest.swift and
// HTTPRequestParser.swift compiled alongside; see Scripts/fuzz.d/http-request.sh).
//
// Safety invariants: libFuzzer passes `data` valid for `size` bytes for the duration of
// the call; it is copied into an array at once and never kept.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = HTTPLimits(maxRequestLineBytes: 512, maxHeaderBytes: 2048, maxHeaderCount: 16, maxBodyBytes: 4096)

    // Whole input at once.
    var whole = HTTPRequestParser(limits: limits)
    whole.append(bytes)
    var wholeRequests: [HTTPRequest] = []
    drain(&whole, into: &wholeRequests)

    // The same input split at a point chosen by the first byte: the parser is incremental,
    // so it must produce the same requests.
    var split = HTTPRequestParser(limits: limits)
    let cut = Int(bytes[0]) % (size + 1)
    var splitRequests: [HTTPRequest] = []
    split.append(bytes[..<cut])
    drain(&split, into: &splitRequests)
    split.append(bytes[cut...])
    drain(&split, into: &splitRequests)
    if wholeRequests != splitRequests || whole.hasFailed != split.hasFailed {
        fatalError("incremental parse differs from whole parse")
    }
    for request in wholeRequests {
        _ = request.pathSegments
        _ = request.keepAlive
        if request.body.count > limits.maxBodyBytes { fatalError("body over limit") }
        if request.headers.count > limits.maxHeaderCount { fatalError("header count over limit") }
    }
    return 0
}

private func drain(_ parser: inout HTTPRequestParser, into requests: inout [HTTPRequest]) {
    while case .request(let request) = parser.next() { requests.append(request) }
}
