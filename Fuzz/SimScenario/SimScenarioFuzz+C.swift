// libFuzzer entry point for simulator scenarios: YAML parse → scenario load and
// validation against a small prompt catalog → weighted picks.
// Safety invariants: libFuzzer passes `data` valid for `size` bytes for the duration of
// the call; the bytes are copied into a Swift array before any other work, and the
// pointer is never stored or used after that copy.
// Built by Scripts/fuzz.d/sim-scenario.sh with `swiftc -sanitize=fuzzer,address` over the
// scenario sources of Sources/ParleySim and a ParleyYAML library built the same way.
import ParleyYAML

@_cdecl("LLVMFuzzerTestOneInput")
public func simScenarioFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    SimScenarioFuzz.run(bytes)
    return 0
}

enum SimScenarioFuzz {
    static let catalog = PromptCatalog(promptDirectory: "/nonexistent", prompts: [
        .init(name: "hello", interruptible: true, variants: [.init(name: "default", segments: [.file("/nonexistent/a.wav")])]),
        .init(name: "offer", interruptible: false, variants: [.init(name: "a", segments: [.spoken(variable: "x")])]),
    ])

    static func run(_ bytes: [UInt8]) {
        guard let root = try? YAMLLoader.parse(bytes: bytes, path: "/tmp/fuzz.yaml") else { return }
        do {
            let scenario = try ScenarioLoader.parse(root, path: "/tmp/fuzz.yaml", catalog: catalog)
            for roll in [0.0, 0.5, 0.999] { _ = scenario.pick(roll: roll).sipHeaders }
        } catch {
            _ = error.description
        }
    }
}
