// MetricsRegistry — named metric families with label sets, exposed in the Prometheus text
// format 0.0.4. Registration (get-or-create by name and labels) takes a lock and may
// allocate: do it at setup, or per call, never per frame; keep the returned cell and
// update it lock-free. Every series carries the registry's constant labels (`node`).
import Synchronization

public final class MetricsRegistry: Sendable {
    public enum Kind: String, Sendable { case counter, gauge, histogram }

    enum Cell: Sendable {
        case counter(Counter)
        case gauge(Gauge)
        case sampledGauge(@Sendable () -> Double)
        case histogram(Histogram)
    }

    struct Series: Sendable {
        let labels: [(String, String)]
        let cell: Cell
    }

    struct Family: Sendable {
        let name: String
        let help: String
        let kind: Kind
        var series: [Series] = []
        var index: [String: Int] = [:]
    }

    public let constantLabels: [(String, String)]
    let families = Mutex<[String: Family]>([:])
    let conflicts = Atomic<Int>(0)

    /// `constantLabels` go on every series (e.g. `["node": "pbx-1"]`).
    public init(constantLabels: [String: String] = [:]) {
        self.constantLabels = constantLabels.sorted { $0.key < $1.key }.map { (Self.sanitizeLabelName($0.key), $0.value) }
    }

    /// Registrations refused because the name was already used with another kind
    /// (the caller got a working but unexposed cell).
    public var conflictCount: Int { conflicts.load(ordering: .relaxed) }

    public func counter(_ name: String, help: String, labels: [String: String] = [:]) -> Counter {
        let made = Counter()
        if case .counter(let existing) = register(name, help, .counter, labels, .counter(made)) { return existing }
        return made
    }

    public func gauge(_ name: String, help: String, labels: [String: String] = [:]) -> Gauge {
        let made = Gauge()
        if case .gauge(let existing) = register(name, help, .gauge, labels, .gauge(made)) { return existing }
        return made
    }

    /// A gauge read at scrape time (`sample` runs on the scraping thread; keep it cheap and
    /// non-blocking). A second registration with the same labels keeps the first closure.
    public func gauge(_ name: String, help: String, labels: [String: String] = [:],
                      sampling sample: @escaping @Sendable () -> Double) {
        _ = register(name, help, .gauge, labels, .sampledGauge(sample))
    }

    /// Bucket bounds are fixed by the first registration of `name`.
    public func histogram(_ name: String, help: String, buckets: [Double] = Histogram.latencySeconds,
                          labels: [String: String] = [:]) -> Histogram {
        let made = Histogram(upperBounds: buckets)
        if case .histogram(let existing) = register(name, help, .histogram, labels, .histogram(made)) { return existing }
        return made
    }

    /// The cell now registered for (name, labels), or nil on a kind conflict.
    private func register(_ rawName: String, _ help: String, _ kind: Kind, _ labels: [String: String],
                          _ cell: Cell) -> Cell? {
        let name = Self.sanitizeMetricName(rawName)
        let pairs = labels.sorted { $0.key < $1.key }.map { (Self.sanitizeLabelName($0.key), $0.value) }
        let key = pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "\u{1}")
        return families.withLock { table -> Cell? in
            var family = table[name] ?? Family(name: name, help: help, kind: kind)
            guard family.kind == kind else {
                conflicts.wrappingAdd(1, ordering: .relaxed)
                return nil
            }
            if let at = family.index[key] { return family.series[at].cell }
            var stored = cell
            if case .histogram(let made) = cell, case .histogram(let first)? = family.series.first?.cell,
               first.upperBounds != made.upperBounds {
                stored = .histogram(Histogram(upperBounds: first.upperBounds))
            }
            family.index[key] = family.series.count
            family.series.append(Series(labels: pairs, cell: stored))
            table[name] = family
            return stored
        }
    }

    /// Removes every series of `name` whose labels include all of `matching` (e.g. a finished
    /// campaign's series).
    public func remove(_ name: String, matching: [String: String]) {
        families.withLock { table in
            guard var family = table[Self.sanitizeMetricName(name)] else { return }
            family.series.removeAll { series in
                matching.allSatisfy { want in series.labels.contains { $0.0 == want.key && $0.1 == want.value } }
            }
            family.index = [:]
            for (i, series) in family.series.enumerated() {
                family.index[series.labels.map { "\($0.0)=\($0.1)" }.joined(separator: "\u{1}")] = i
            }
            table[family.name] = family
        }
    }

    static func sanitizeMetricName(_ name: String) -> String {
        sanitize(name, allowColon: true)
    }

    static func sanitizeLabelName(_ name: String) -> String {
        sanitize(name, allowColon: false)
    }

    private static func sanitize(_ name: String, allowColon: Bool) -> String {
        var out = ""
        for (i, scalar) in name.unicodeScalars.enumerated() {
            let isLetter = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
                || (allowColon && scalar == ":")
            let isDigit = scalar >= "0" && scalar <= "9"
            out.unicodeScalars.append(isLetter || (isDigit && i > 0) ? scalar : "_")
        }
        return out.isEmpty ? "_" : out
    }
}
