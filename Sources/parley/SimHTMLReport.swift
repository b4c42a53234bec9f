import Foundation
import ParleySim

/// The `parley sim --html` report: one self-contained page (inline CSS and SVG, no
/// external assets) with the summary table, a histogram per latency measure, the pacing
/// error histogram, and a timeline of concurrency with each call's setup and response
/// latencies plotted where the call started.
struct SimHTMLReport {
    let scenario: String
    let target: String
    let result: SimRunResult

    func html() -> String {
        let r = result.report
        var body = "<h1>parley sim: \(escape(scenario))</h1>\n"
        body += "<p>target \(escape(target)) · \(r.attempted) calls · \(r.passed) passed · \(r.failed) failed · "
        body += "\(result.elapsedMs) ms · loss \(r.lossPercent) % · false barge-ins \(r.falseBargeIns) · "
        body += "missed barge-ins \(r.missedBargeIns)</p>\n"
        body += "<pre>\(escape(r.table()))</pre>\n"
        body += "<h2>Timeline</h2>\n" + timeline()
        body += "<h2>Latency histograms (ms)</h2>\n<div class=grid>\n"
        for (name, s) in [("setup", r.setup), ("first prompt", r.firstPrompt), ("response", r.response), ("barge-in", r.bargeIn)] {
            body += histogram(title: name, values: s.values.map(Double.init))
        }
        body += pacingHistogram(r.pacing)
        body += "</div>\n"
        if !r.failures.isEmpty {
            body += "<h2>Failures</h2>\n<table><tr><th>calls</th><th>reason</th></tr>\n"
            for (reason, count) in r.failures.sorted(by: { $0.value > $1.value }) {
                body += "<tr><td>\(count)</td><td>\(escape(reason))</td></tr>\n"
            }
            body += "</table>\n"
        }
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>parley sim: \(escape(scenario))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            pre{background:#f6f6f6;padding:1em}
            .grid{display:flex;flex-wrap:wrap;gap:1em}
            svg{background:#fcfcfc;border:1px solid #ddd}
            table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left}
            </style></head><body>
            \(body)</body></html>

            """
    }

    /// Bars of `values` in up to 20 equal bins.
    func histogram(title: String, values: [Double], unit: String = "ms") -> String {
        let width = 360.0, height = 200.0, left = 40.0, bottom = 30.0
        guard let lo = values.min(), let hi = values.max() else {
            return svg(width, height, "<text x='10' y='20'>\(escape(title)): no samples</text>")
        }
        let binCount = max(1, min(20, values.count))
        let span = max(hi - lo, 1)
        var bins = [Int](repeating: 0, count: binCount)
        for v in values { bins[min(binCount - 1, Int((v - lo) / span * Double(binCount)))] += 1 }
        return bars(title: "\(title) (\(values.count), \(unit))", bins: bins, lo: lo, hi: lo + span,
                    width: width, height: height, left: left, bottom: bottom)
    }

    func pacingHistogram(_ h: PacingHistogram) -> String {
        guard h.total > 0 else { return histogram(title: "pacing error", values: []) }
        // Up to the maximum, in at most 20 bins of whole buckets.
        let usedBuckets = min(PacingHistogram.bucketCount, h.maxUs / PacingHistogram.bucketUs + 1)
        let perBin = max(1, (usedBuckets + 19) / 20)
        var bins = [Int](repeating: 0, count: (usedBuckets + perBin - 1) / perBin)
        for (i, c) in h.counts.enumerated() where c > 0 { bins[min(bins.count - 1, i / perBin)] += Int(c) }
        let hi = Double(bins.count * perBin * PacingHistogram.bucketUs) / 1_000
        return bars(title: "pacing error (\(h.total) packets, ms)", bins: bins, lo: 0, hi: hi,
                    width: 360, height: 200, left: 40, bottom: 30)
    }

    func bars(title: String, bins: [Int], lo: Double, hi: Double, width: Double, height: Double,
              left: Double, bottom: Double) -> String {
        let top = 24.0
        let plotW = width - left - 10, plotH = height - top - bottom
        let peak = Double(bins.max() ?? 1)
        var s = "<text x='\(left)' y='16' font-size='13'>\(escape(title))</text>"
        let w = plotW / Double(bins.count)
        for (i, c) in bins.enumerated() where c > 0 {
            let h = plotH * Double(c) / max(peak, 1)
            s += "<rect x='\(f(left + Double(i) * w + 1))' y='\(f(top + plotH - h))' width='\(f(max(1, w - 2)))' "
            s += "height='\(f(h))' fill='#4a7bd0'><title>\(c)</title></rect>"
        }
        s += axis(left: left, top: top, plotW: plotW, plotH: plotH)
        s += "<text x='\(left)' y='\(f(height - 10))' font-size='11'>\(f(lo))</text>"
        s += "<text x='\(f(left + plotW))' y='\(f(height - 10))' font-size='11' text-anchor='end'>\(f(hi))</text>"
        s += "<text x='\(f(left - 4))' y='\(f(top + 10))' font-size='11' text-anchor='end'>\(Int(peak))</text>"
        return svg(width, height, s)
    }

    /// Concurrency (line) and per-call setup and response latencies (dots) over the run.
    func timeline() -> String {
        let width = 760.0, height = 260.0, left = 50.0, top = 24.0, bottom = 30.0, right = 50.0
        let plotW = width - left - right, plotH = height - top - bottom
        let endMs = Double(max(result.elapsedMs, result.timeline.last?.elapsedMs ?? 1, 1))
        let peakActive = Double(max(1, result.timeline.map(\.active).max() ?? 1))
        let latencies = result.calls.flatMap { c in
            (c.result.setupMs.map { [(Double(c.startOffsetMs), Double($0), "#888")] } ?? [])
                + c.result.responseMs.map { (Double(c.startOffsetMs), Double($0), "#d0504a") }
        }
        let peakMs = max(1, latencies.map(\.1).max() ?? 1)
        func x(_ ms: Double) -> Double { left + plotW * ms / endMs }
        var s = "<text x='\(left)' y='16' font-size='13'>calls up (blue line, left axis); setup (grey) and "
        s += "response (red) latency per call at its start (ms, right axis)</text>"
        let points = result.timeline.map { "\(f(x(Double($0.elapsedMs)))),\(f(top + plotH - plotH * Double($0.active) / peakActive))" }
        s += "<polyline fill='none' stroke='#4a7bd0' stroke-width='2' points='\(points.joined(separator: " "))'/>"
        for (t, ms, color) in latencies {
            s += "<circle cx='\(f(x(t)))' cy='\(f(top + plotH - plotH * ms / peakMs))' r='2.5' fill='\(color)'/>"
        }
        s += axis(left: left, top: top, plotW: plotW, plotH: plotH)
        s += "<text x='\(f(left - 4))' y='\(f(top + 10))' font-size='11' text-anchor='end'>\(Int(peakActive))</text>"
        s += "<text x='\(f(left + plotW + 4))' y='\(f(top + 10))' font-size='11'>\(Int(peakMs))</text>"
        s += "<text x='\(left)' y='\(f(height - 10))' font-size='11'>0 s</text>"
        s += "<text x='\(f(left + plotW))' y='\(f(height - 10))' font-size='11' text-anchor='end'>\(f(endMs / 1_000)) s</text>"
        return svg(width, height, s)
    }

    func axis(left: Double, top: Double, plotW: Double, plotH: Double) -> String {
        "<line x1='\(left)' y1='\(f(top + plotH))' x2='\(f(left + plotW))' y2='\(f(top + plotH))' stroke='#333'/>"
            + "<line x1='\(left)' y1='\(top)' x2='\(left)' y2='\(f(top + plotH))' stroke='#333'/>"
    }

    func svg(_ width: Double, _ height: Double, _ content: String) -> String {
        "<svg xmlns='http://www.w3.org/2000/svg' width='\(Int(width))' height='\(Int(height))'>\(content)</svg>\n"
    }

    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
