import Testing
@testable import ParleyAdmin

/// Parses exposition text back into (series line name+labels → value), checking the grammar.
struct ParsedExposition {
    var help: [String: String] = [:]
    var type: [String: String] = [:]
    var samples: [String: String] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                let space = try #require(rest.firstIndex(of: " "))
                help[String(rest[..<space])] = String(rest[rest.index(after: space)...])
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                try #require(parts.count == 2)
                try #require(["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[1])))
                type[String(parts[0])] = String(parts[1])
            } else {
                // name{labels} value — the value follows the last space outside quotes.
                var inQuotes = false
                var escaped = false
                var split: String.Index?
                for index in line.indices {
                    let c = line[index]
                    if escaped { escaped = false; continue }
                    if c == "\\" { escaped = true; continue }
                    if c == "\"" { inQuotes.toggle() }
                    if c == " " && !inQuotes { split = index }
                }
                let at = try #require(split)
                let value = String(line[line.index(after: at)...])
                try #require(Double(value) != nil || ["+Inf", "-Inf", "NaN"].contains(value), "bad value \(value)")
                samples[String(line[..<at])] = value
            }
        }
    }
}

@Suite struct MetricsTests {
    @Test func counterGaugeHistogramValues() {
        let counter = Counter()
        counter.increment()
        counter.increment(by: 4)
        #expect(counter.value == 5)
        let gauge = Gauge()
        gauge.increment(); gauge.increment(); gauge.decrement(); gauge.add(0.5)
        #expect(gauge.value == 1.5)
        let histogram = Histogram(upperBounds: [0.1, 0.01, 1, 0.1])
        #expect(histogram.upperBounds == [0.01, 0.1, 1])
        for v in [0.005, 0.01, 0.05, 0.5, 5] { histogram.observe(v) }
        #expect(histogram.cumulativeCounts() == [2, 3, 4, 5])
        #expect(histogram.count == 5)
        #expect(abs(histogram.sum - 5.565) < 1e-9)
    }

    @Test func concurrentUpdatesAreNotLost() async {
        let registry = MetricsRegistry()
        let counter = registry.counter("t_total", help: "t")
        let gauge = registry.gauge("g", help: "g")
        let histogram = registry.histogram("h_seconds", help: "h", buckets: [1])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10_000 { counter.increment(); gauge.add(1); histogram.observe(0.5) }
                }
            }
        }
        #expect(counter.value == 80_000)
        #expect(gauge.value == 80_000)
        #expect(histogram.count == 80_000)
        #expect(histogram.sum == 40_000)
    }

    @Test func registrationReturnsTheSameCellForTheSameLabels() {
        let registry = MetricsRegistry()
        let a = registry.counter("calls_total", help: "x", labels: ["disposition": "completed"])
        let b = registry.counter("calls_total", help: "x", labels: ["disposition": "completed"])
        let c = registry.counter("calls_total", help: "x", labels: ["disposition": "failed"])
        #expect(a === b)
        #expect(a !== c)
        _ = registry.gauge("calls_total", help: "x")
        #expect(registry.conflictCount == 1)
    }

    /// Response and barge-in latency are bucketed 50 ms wide around the 300 ms goal, so a
    /// 320 ms response is told from a 280 ms one.
    @Test func voiceLatencyBucketsResolveTheResponseGoal() throws {
        let registry = MetricsRegistry(constantLabels: ["node": "pbx-1"])
        let metrics = ParleyMetrics(registry: registry)
        metrics.responseLatency.observe(milliseconds: 280)
        metrics.responseLatency.observe(milliseconds: 320)
        metrics.bargeInLatency.observe(milliseconds: 60)
        let parsed = try ParsedExposition(registry.exposition())
        let r = "parley_response_latency_seconds_bucket{node=\"pbx-1\",le="
        #expect(parsed.samples[r + "\"0.25\"}"] == "0")
        #expect(parsed.samples[r + "\"0.3\"}"] == "1")
        #expect(parsed.samples[r + "\"0.35\"}"] == "2")
        let b = "parley_barge_in_latency_seconds_bucket{node=\"pbx-1\",le="
        #expect(parsed.samples[b + "\"0.05\"}"] == "0")
        #expect(parsed.samples[b + "\"0.075\"}"] == "1")
    }

    @Test func expositionFormatParsesBack() throws {
        let registry = MetricsRegistry(constantLabels: ["node": "pbx-1"])
        let metrics = ParleyMetrics(registry: registry)
        metrics.activeCalls.set(3)
        metrics.callsEnded(disposition: "completed").increment(by: 7)
        metrics.callsEnded(disposition: "weird \"one\"\\\nx").increment()
        metrics.responseLatency.observe(milliseconds: 30)
        metrics.responseLatency.observe(milliseconds: 700)
        registry.gauge("parley_uptime_seconds", help: "Seconds since start.\nSecond line \\ end.") { 12.5 }
        let text = registry.exposition()
        let parsed = try ParsedExposition(text)
        #expect(parsed.type["parley_calls_active"] == "gauge")
        #expect(parsed.type["parley_calls_total"] == "counter")
        #expect(parsed.type["parley_response_latency_seconds"] == "histogram")
        #expect(parsed.help["parley_uptime_seconds"] == "Seconds since start.\\nSecond line \\\\ end.")
        #expect(parsed.samples["parley_calls_active{node=\"pbx-1\"}"] == "3")
        #expect(parsed.samples["parley_calls_total{node=\"pbx-1\",disposition=\"completed\"}"] == "7")
        #expect(parsed.samples["parley_calls_total{node=\"pbx-1\",disposition=\"weird \\\"one\\\"\\\\\\nx\"}"] == "1")
        #expect(parsed.samples["parley_uptime_seconds{node=\"pbx-1\"}"] == "12.5")
        let h = "parley_response_latency_seconds"
        #expect(parsed.samples["\(h)_bucket{node=\"pbx-1\",le=\"0.025\"}"] == "0")
        #expect(parsed.samples["\(h)_bucket{node=\"pbx-1\",le=\"0.05\"}"] == "1")
        #expect(parsed.samples["\(h)_bucket{node=\"pbx-1\",le=\"1\"}"] == "2")
        #expect(parsed.samples["\(h)_bucket{node=\"pbx-1\",le=\"+Inf\"}"] == "2")
        #expect(parsed.samples["\(h)_count{node=\"pbx-1\"}"] == "2")
        #expect(Double(try #require(parsed.samples["\(h)_sum{node=\"pbx-1\"}"])).map { abs($0 - 0.73) < 1e-9 } == true)
        // HELP and TYPE come before the family's samples, once per family.
        let lines = text.split(separator: "\n")
        let typeLine = try #require(lines.firstIndex(of: "# TYPE parley_calls_total counter"))
        let firstSample = try #require(lines.firstIndex { $0.hasPrefix("parley_calls_total{") })
        #expect(typeLine < firstSample)
        #expect(lines.filter { $0 == "# TYPE parley_calls_total counter" }.count == 1)
        // Histogram buckets are cumulative and non-decreasing.
        let buckets = lines.filter { $0.hasPrefix("\(h)_bucket") }.compactMap { Double($0.split(separator: " ").last ?? "") }
        #expect(buckets.count == Histogram.voiceLatencySeconds.count + 1)
        #expect(buckets == buckets.sorted())
    }

    @Test func namesAreSanitizedAndValuesFormatted() {
        #expect(MetricsRegistry.sanitizeMetricName("9bad-name:x") == "_bad_name:x")
        #expect(MetricsRegistry.sanitizeLabelName("a:b") == "a_b")
        #expect(MetricsRegistry.formatValue(.infinity) == "+Inf")
        #expect(MetricsRegistry.formatValue(.nan) == "NaN")
        #expect(MetricsRegistry.formatValue(2) == "2")
        #expect(MetricsRegistry.formatValue(0.25) == "0.25")
    }

    @Test func removeDropsMatchingSeries() {
        let registry = MetricsRegistry()
        registry.counter("c_total", help: "c", labels: ["campaign": "a"]).increment()
        registry.counter("c_total", help: "c", labels: ["campaign": "b"]).increment()
        registry.remove("c_total", matching: ["campaign": "a"])
        let text = registry.exposition()
        #expect(!text.contains("campaign=\"a\""))
        #expect(text.contains("campaign=\"b\""))
    }
}
