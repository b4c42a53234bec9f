// libFuzzer entry point for campaign definitions: YAML parse → definition loader with its
// located diagnostics. The input is loaded as if it were a campaign file in a scratch
// folder, so relative contact-list and script paths resolve to files that do not exist
// (those paths are reported as diagnostics; the loader must never crash on any of it).
// Safety invariants: libFuzzer passes `data` valid for `size` bytes for the duration of
// the call; the bytes are copied into a Swift array before any other work, and the
// pointer is never stored or used after that copy.
// Built by Scripts/fuzz.d/campaign-definition.sh with `swiftc -sanitize=fuzzer,address`
// over Sources/ParleyCampaign (this module) and a ParleyYAML library built the same way.

@_cdecl("LLVMFuzzerTestOneInput")
public func campaignDefinitionFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    do {
        _ = try CampaignDefinitionLoader.loadCampaign(text: text, path: "/nonexistent-fuzz/campaign.yaml")
    } catch {
        // Property: every diagnostic carries a location inside the input or a named file.
        for d in error.diagnostics { precondition(!d.description.isEmpty, "empty diagnostic") }
    }
    return 0
}
