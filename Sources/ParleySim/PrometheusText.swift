/// A scrape of a Prometheus text-format (0.0.4) endpoint, as samples: `name{labels} value`.
/// Lenient: comment lines (`# HELP`, `# TYPE`) are skipped, a line that does not parse is
/// counted in `malformedLines` and skipped, never trapped on. Sums over labels and
/// histogram quantiles (as PromQL's `histogram_quantile`: linear within the bucket) of the
/// difference between two scrapes give a capacity step the daemon's own figures.
public struct PrometheusText: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public private(set) var samples: [Sample] = []
    public private(set) var malformedLines = 0

    public init() {}

    public init(parsing text: String) {
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.first == "#" { continue }
            if let sample = Self.sample(Array(trimmed.utf8)) { samples.append(sample) } else { malformedLines += 1 }
        }
    }

    /// The sum of every sample named `name` whose labels include `labels` (nil: none).
    public func sum(_ name: String, labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    /// Cumulative bucket counts of histogram `name` (`name_bucket`, summed over every other
    /// label), by upper bound, ascending.
    public func buckets(_ name: String) -> [(upperBound: Double, count: Double)] {
        var byBound: [Double: Double] = [:]
        for s in samples where s.name == name + "_bucket" {
            guard let le = s.labels["le"].flatMap(Self.number) else { continue }
            byBound[le, default: 0] += s.value
        }
        return byBound.sorted { $0.key < $1.key }.map { (upperBound: $0.key, count: $0.value) }
    }

    /// `later − earlier` for each bucket bound (a counter reset gives 0).
    public static func bucketDelta(_ later: [(upperBound: Double, count: Double)], _ earlier: [(upperBound: Double, count: Double)])
        -> [(upperBound: Double, count: Double)] {
        let before = Dictionary(earlier.map { ($0.upperBound, $0.count) }, uniquingKeysWith: +)
        return later.map { (upperBound: $0.upperBound, count: Swift.max(0, $0.count - (before[$0.upperBound] ?? 0))) }
    }

    /// The q-quantile (0…1) of cumulative buckets, interpolated linearly inside the bucket
    /// (the first bucket from 0); the highest finite bound when it falls in +Inf; nil without
    /// observations.
    public static func quantile(_ q: Double, buckets: [(upperBound: Double, count: Double)]) -> Double? {
        guard let total = buckets.last?.count, total > 0, q >= 0, q <= 1 else { return nil }
        let rank = q * total
        var previousBound = 0.0, previousCount = 0.0
        for b in buckets {
            if b.count >= rank {
                if b.upperBound == .infinity { return previousBound }
                let inBucket = b.count - previousCount
                guard inBucket > 0 else { return b.upperBound }
                return previousBound + (b.upperBound - previousBound) * (rank - previousCount) / inBucket
            }
            previousBound = b.upperBound
            previousCount = b.count
        }
        return previousBound
    }

    // MARK: one line

    static func sample(_ b: [UInt8]) -> Sample? {
        var i = 0
        func isNameByte(_ c: UInt8, first: Bool) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x3A || (!first && c >= 0x30 && c <= 0x39)
        }
        while i < b.count, isNameByte(b[i], first: i == 0) { i += 1 }
        guard i > 0 else { return nil }
        let name = String(decoding: b[0..<i], as: UTF8.self)
        var labels: [String: String] = [:]
        if i < b.count, b[i] == UInt8(ascii: "{") {
            i += 1
            while true {
                while i < b.count, b[i] == 0x20 || b[i] == 0x2C { i += 1 }
                guard i < b.count else { return nil }
                if b[i] == UInt8(ascii: "}") { i += 1; break }
                let keyStart = i
                while i < b.count, isNameByte(b[i], first: i == keyStart) { i += 1 }
                guard i > keyStart, i + 1 < b.count, b[i] == UInt8(ascii: "="), b[i + 1] == UInt8(ascii: "\"") else { return nil }
                let key = String(decoding: b[keyStart..<i], as: UTF8.self)
                i += 2
                var value: [UInt8] = []
                while true {
                    guard i < b.count else { return nil }
                    let c = b[i]
                    if c == UInt8(ascii: "\"") { i += 1; break }
                    if c == UInt8(ascii: "\\") {
                        guard i + 1 < b.count else { return nil }
                        let e = b[i + 1]
                        value.append(e == UInt8(ascii: "n") ? 0x0A : e)
                        i += 2
                    } else {
                        value.append(c)
                        i += 1
                    }
                }
                labels[key] = String(decoding: value, as: UTF8.self)
            }
        }
        let rest = String(decoding: b[i...], as: UTF8.self).split(separator: " ", omittingEmptySubsequences: true)
        guard rest.count == 1 || rest.count == 2, let value = number(rest[0]) else { return nil }
        if rest.count == 2, Int64(rest[1]) == nil { return nil }
        return Sample(name: name, labels: labels, value: value)
    }

    static func number<S: StringProtocol>(_ s: S) -> Double? {
        switch s {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            guard let first = s.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
            return Double(String(s))
        }
    }
}
