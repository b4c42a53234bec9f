// libFuzzer entry point for `parley campaign run-local --simulate` specs
// (`SimulatedCallPlacer.parseRules`). Property: the parser never crashes; every accepted
// rule has outcomes, a length ≥ 0 and a canonical E.164 number (or `*`); a rejected spec
// names a line inside the input.
// Safety invariants: libFuzzer passes `data` valid for `size` bytes for the duration of
// the call; the bytes are copied into a Swift array before any other work, and the
// pointer is never stored or used after that copy.
// Built by Scripts/fuzz.d/simulation-spec.sh with `swiftc -sanitize=fuzzer,address`
// over Sources/ParleyCampaign and ParleyYAML/ParleyStore libraries built the same way.

@_cdecl("LLVMFuzzerTestOneInput")
public func simulationSpecFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    do {
        let rules = try SimulatedCallPlacer.parseRules(text)
        for rule in rules {
            precondition(!rule.outcomes.isEmpty && rule.durationMs >= 0, "bad rule accepted")
            if let n = rule.number { precondition(PhoneNumber.normalizedE164(n) == n, "number not canonical") }
        }
    } catch {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        precondition((1...max(1, lines)).contains(error.line ?? 0), "error outside the input")
    }
    return 0
}
