import Testing
@testable import ParleySim

/// Parsing parleyd's `/metrics` text: samples, labels, sums, histogram differences and
/// quantiles; malformed lines are counted and skipped.
@Suite struct PrometheusTextTests {
    static let scrape = """
        # HELP parley_calls_active calls in progress
        # TYPE parley_calls_active gauge
        parley_calls_active{node="n1"} 42
        parley_calls_total{node="n1",disposition="declined"} 10
        parley_calls_total{node="n1",disposition="no_response"} 5
        parley_response_latency_seconds_bucket{node="n1",le="0.1"} 2
        parley_response_latency_seconds_bucket{node="n1",le="0.25"} 8
        parley_response_latency_seconds_bucket{node="n1",le="0.5"} 10
        parley_response_latency_seconds_bucket{node="n1",le="+Inf"} 10
        parley_response_latency_seconds_sum{node="n1"} 1.9
        parley_response_latency_seconds_count{node="n1"} 10
        odd_label{text="a \\"quoted\\" \\\\ value"} 1e3 1700000000000
        """

    @Test func samplesLabelsAndSums() {
        let t = PrometheusText(parsing: Self.scrape)
        #expect(t.malformedLines == 0)
        #expect(t.sum("parley_calls_active") == 42)
        #expect(t.sum("parley_calls_total") == 15)
        #expect(t.sum("parley_calls_total", labels: ["disposition": "declined"]) == 10)
        #expect(t.sum("parley_missing") == nil)
        #expect(t.samples.last?.labels["text"] == "a \"quoted\" \\ value")
        #expect(t.sum("odd_label") == 1_000)
    }

    @Test func histogramQuantileInterpolatesInsideTheBucket() {
        let b = PrometheusText(parsing: Self.scrape).buckets("parley_response_latency_seconds")
        #expect(b.map(\.upperBound) == [0.1, 0.25, 0.5, .infinity])
        // rank 5 of 10 falls in (0.1, 0.25] holding ranks 3…8: 0.1 + 0.15 · 3/6.
        #expect(abs((PrometheusText.quantile(0.5, buckets: b) ?? 0) - 0.175) < 1e-9)
        // rank 9.5 in (0.25, 0.5]: 0.25 + 0.25 · 1.5/2.
        #expect(abs((PrometheusText.quantile(0.95, buckets: b) ?? 0) - 0.4375) < 1e-9)
        #expect(PrometheusText.quantile(0.5, buckets: []) == nil)
    }

    @Test func quantileOfTheDifferenceBetweenScrapes() {
        let before = PrometheusText(parsing: Self.scrape).buckets("parley_response_latency_seconds")
        let later = PrometheusText(parsing: """
            parley_response_latency_seconds_bucket{le="0.1"} 2
            parley_response_latency_seconds_bucket{le="0.25"} 8
            parley_response_latency_seconds_bucket{le="0.5"} 10
            parley_response_latency_seconds_bucket{le="+Inf"} 14
            """).buckets("parley_response_latency_seconds")
        let d = PrometheusText.bucketDelta(later, before)
        #expect(d.map(\.count) == [0, 0, 0, 4])
        // Everything new fell above the highest finite bound: that bound is the answer.
        #expect(PrometheusText.quantile(0.95, buckets: d) == 0.5)
    }

    @Test func malformedLinesAreCountedNotTrappedOn() {
        let t = PrometheusText(parsing: """
            good 1
            {no_name="x"} 1
            unterminated{a="b 1
            nolabelvalue{a=} 1
            novalue
            twovalues 1 2 3
            badtimestamp 1 soon
            letters abc
            trailing{a="b"
            9starts_with_digit 1
            """)
        #expect(t.samples.map(\.name) == ["good"])
        #expect(t.malformedLines == 9)
    }

    @Test func arbitraryBytesNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab_{}=\",\\ \n#+-.0123456789eInfNa".utf8)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0..<80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            _ = PrometheusText(parsing: String(decoding: bytes, as: UTF8.self))
        }
    }
}
