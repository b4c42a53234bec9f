import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ParleySim
import Synchronization

extension SimCommand {
    /// Watches a capacity step from the side: once a second it reads the CPU time of the
    /// simulator (this process), of parleyd (`--parleyd-pid`, from /proc) and of the whole
    /// machine, parleyd's RSS, and `parley_calls_active` from its `/metrics`; it scrapes
    /// `/metrics` at the start and the end for the step's differences. CPU is reported over
    /// the seconds the simulator had the step's full concurrency up (the hold), else over
    /// the whole step. Runs on its own thread; `finish` stops it and fills the measures.
    final class StepProbe: @unchecked Sendable {
        struct Tick { var simTicks: Double; var botTicks: Double?; var busy: Double; var total: Double; var active: Int; var atNs: UInt64 }

        let metricsURL: URL?
        let pid: Int32?
        let target: Int
        /// Calls the simulator has up now (set from its progress callback).
        let simActive = Atomic<Int>(0)
        private let state = Mutex<(ticks: [Tick], activePeak: Double, rssPeakKiB: Double?, stop: Bool)>(([], 0, nil, false))
        private let stopped = DispatchSemaphore(value: 0)
        private var before: PrometheusText?

        init(metricsURL: URL?, pid: Int32?, target: Int) {
            self.metricsURL = metricsURL
            self.pid = pid
            self.target = target
        }

        func start() {
            before = metricsURL.flatMap(Self.scrape)
            let me = self
            Thread.detachNewThread {
                while true {
                    me.sample()
                    if me.state.withLock({ $0.stop }) { break }
                    Thread.sleep(forTimeInterval: 1)
                }
                me.stopped.signal()
            }
        }

        func sample() {
            let machine = Self.machineTicks()
            let tick = Tick(simTicks: Self.processTicks("self") ?? 0, botTicks: pid.flatMap { Self.processTicks(String($0)) },
                            busy: machine.busy, total: machine.total, active: simActive.load(ordering: .relaxed),
                            atNs: DispatchTime.now().uptimeNanoseconds)
            let rss = pid.flatMap(Self.rssKiB)
            let active = metricsURL.flatMap(Self.scrape)?.sum("parley_calls_active")
            state.withLock {
                $0.ticks.append(tick)
                if let active { $0.activePeak = Swift.max($0.activePeak, active) }
                if let rss { $0.rssPeakKiB = Swift.max($0.rssPeakKiB ?? 0, rss) }
            }
        }

        /// Stops sampling and adds CPU, RSS and the daemon's figures to `m`.
        func finish(into m: inout CapacityStepMeasures) {
            state.withLock { $0.stop = true }
            stopped.wait()
            sample()
            let (ticks, activePeak, rss) = state.withLock { ($0.ticks, $0.activePeak, $0.rssPeakKiB) }
            let held = ticks.indices.filter { ticks[$0].active >= target }
            let window: (Tick, Tick)? = {
                if let first = held.first, let last = held.last, last > first { return (ticks[first], ticks[last]) }
                guard let a = ticks.first, let b = ticks.last, b.atNs > a.atNs else { return nil }
                return (a, b)
            }()
            if let (a, b) = window {
                let seconds = Double(b.atNs - a.atNs) / 1e9
                let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
                m.simulatorCPUPercent = ((b.simTicks - a.simTicks) / hz / seconds * 100).rounded()
                if let x = a.botTicks, let y = b.botTicks { m.daemonCPUPercent = ((y - x) / hz / seconds * 100).rounded() }
                if b.total > a.total { m.machineBusyPercent = ((b.busy - a.busy) / (b.total - a.total) * 100).rounded() }
            }
            if let rss { m.daemonRSSMiB = (rss / 1024 * 10).rounded() / 10 }
            guard let url = metricsURL, let before, let after = Self.scrape(url) else { return }
            if activePeak > 0 { m.daemon["calls_active_peak"] = activePeak }
            func delta(_ name: String) -> Double? {
                guard let b = after.sum(name) else { return nil }
                return Swift.max(0, b - (before.sum(name) ?? 0))
            }
            for (key, name) in [("calls_ended", "parley_calls_total"), ("media_tick_overruns", "parley_media_tick_overruns_total"),
                                ("ring_drops", "parley_ring_drops_total"), ("rtp_packets_lost", "parley_rtp_packets_lost_total"),
                                ("barge_ins", "parley_barge_ins_total"), ("false_barge_ins", "parley_false_barge_ins_total"),
                                ("recognizer_errors", "parley_recognizer_errors_total")] {
                if let v = delta(name) { m.daemon[key] = v }
            }
            for (key, name) in [("response_p95_ms", "parley_response_latency_seconds"),
                                ("barge_in_p95_ms", "parley_barge_in_latency_seconds"),
                                ("recognizer_p95_ms", "parley_recognizer_latency_seconds")] {
                let d = PrometheusText.bucketDelta(after.buckets(name), before.buckets(name))
                if let q = PrometheusText.quantile(0.95, buckets: d) { m.daemon[key] = (q * 1_000).rounded() }
            }
        }

        /// `parley_calls_active` now (nil: no answer).
        static func callsActive(_ url: URL) -> Double? { scrape(url)?.sum("parley_calls_active") }

        static func scrape(_ url: URL) -> PrometheusText? {
            var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 3)
            request.httpMethod = "GET"
            let result = Mutex<String?>(nil)
            let done = DispatchSemaphore(value: 0)
            URLSession.shared.dataTask(with: request) { data, response, _ in
                if let http = response as? HTTPURLResponse, http.statusCode == 200, let data {
                    result.withLock { $0 = String(decoding: data, as: UTF8.self) }
                }
                done.signal()
            }.resume()
            guard done.wait(timeout: .now() + 4) == .success, let text = result.withLock({ $0 }) else { return nil }
            return PrometheusText(parsing: text)
        }

        /// utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15).
        static func processTicks(_ pid: String) -> Double? {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) else { return nil }
            return u + s
        }

        /// Busy and total clock ticks of all CPUs (/proc/stat's `cpu` line; idle + iowait are not busy).
        static func machineTicks() -> (busy: Double, total: Double) {
            guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
                  let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return (0, 0) }
            let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            guard v.count >= 5 else { return (0, 0) }
            let total = v.prefix(8).reduce(0, +)
            return (total - v[3] - v[4], total)
        }

        /// VmRSS of a process (KiB).
        static func rssKiB(_ pid: Int32) -> Double? {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
        }
    }
}
