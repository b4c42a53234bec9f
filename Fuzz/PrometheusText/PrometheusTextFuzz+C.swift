// libFuzzer entry point for the simulator's Prometheus text parser (`parley sim --capacity
// --metrics`): parse → sums → histogram buckets, differences and quantiles.
// Safety invariants: libFuzzer passes `data` valid for `size` bytes for the duration of
// the call; the bytes are copied into a Swift array before any other work, and the
// pointer is never stored or used after that copy.
// Built by Scripts/fuzz.d/prometheus-text.sh with `swiftc -sanitize=fuzzer,address` over
// Sources/ParleySim/PrometheusText.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func prometheusTextFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = PrometheusText(parsing: String(decoding: bytes, as: UTF8.self))
    for name in Set(text.samples.map(\.name)) {
        _ = text.sum(name)
        let base = name.hasSuffix("_bucket") ? String(name.dropLast(7)) : name
        let buckets = text.buckets(base)
        let delta = PrometheusText.bucketDelta(buckets, Array(buckets.prefix(1)))
        for q in [0.0, 0.5, 0.95, 1.0] {
            _ = PrometheusText.quantile(q, buckets: buckets)
            _ = PrometheusText.quantile(q, buckets: delta)
        }
    }
    return 0
}
