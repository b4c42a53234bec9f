import Foundation
import ParleyRealtime
import ParleySim

/// `parley sim --capacity`: ramps concurrency step by step (`CapacitySearch`) until a step
/// breaks the service-level objective, holding each level for `--step-duration` seconds,
/// and reports the highest level held (docs/sim.md, "Capacity search").
extension SimCommand {
    struct CapacityArguments {
        var enabled = false
        var start = 10
        var stepCalls: Int?
        var factor: Double?
        var max = 2_000
        var stepDurationSeconds = 30.0
        var refineSteps = 2
        var rampSeconds: Double?
        var settleSeconds = 5.0
        var metrics: URL?
        var parleydPID: Int32?
        var objective = ServiceLevelObjective()

        var ramp: CapacitySearch.Ramp {
            if let stepCalls { return .linear(calls: stepCalls) }
            return .geometric(factor: factor ?? 2)
        }
    }

    static let capacityUsage = """
        capacity search: parley sim --capacity --target HOST:PORT --scenario FILE
                          [--start N] [--step N | --factor F] [--max N] [--step-duration S]
                          [--rate R | --ramp-seconds S] [--refine N] [--settle S] [--metrics URL] [--parleyd-pid PID]
                          [--slo-pacing-ms MS] [--slo-loss-pct P] [--slo-response-ms MS] [--slo-failed N]
                          [--json OUT] [--quiet]
          --capacity       ramp concurrency until the objective breaks; report the highest level held
          --start          first level (default 10)
          --step, --factor ramp by N calls, or times F (default: --factor 2)
          --max            last level tried (default 2000)
          --step-duration  hold each level this long, after ramping up (default 30 s)
          --rate           new calls per second while ramping up (default 100)
          --ramp-seconds   place each level's calls evenly over S seconds instead (rate = level / S), and
                           replace ended calls at that rate: their turns spread as in live traffic
          --refine         bisection steps between the last level held and the first broken (default 2)
          --settle         pause between steps; with --metrics, until parleyd has no call up (default 5 s)
          --metrics        parleyd's Prometheus endpoint (http://127.0.0.1:PORT/metrics): its calls up,
                           tick overruns, ring drops, loss and latency histograms per step
          --parleyd-pid    parleyd's process (same machine): its CPU and RSS per step
          objective (a step breaks it on any of): pacing error p99 > --slo-pacing-ms (1),
                           loss > --slo-loss-pct (0: any loss), response p95 > --slo-response-ms (300),
                           failed calls > --slo-failed (0), or fewer calls up at once than the level
        """

    /// Parses one capacity option at `arguments[i]` (value at i + 1); nil: not a capacity option.
    static func parseCapacity(_ flag: String, _ v: String, into c: inout CapacityArguments) -> Result<Void, UsageError>? {
        func int(_ min: Int) -> Int? { Int(v).flatMap { $0 >= min ? $0 : nil } }
        func double(_ min: Double) -> Double? { Double(v).flatMap { $0 >= min ? $0 : nil } }
        switch flag {
        case "--start": guard let n = int(1) else { return .fail("--start must be a positive integer") }; c.start = n
        case "--step": guard let n = int(1) else { return .fail("--step must be a positive integer") }; c.stepCalls = n
        case "--factor": guard let f = double(1.01) else { return .fail("--factor must be above 1") }; c.factor = f
        case "--max": guard let n = int(1), n <= 10_000 else { return .fail("--max must be 1…10000") }; c.max = n
        case "--step-duration": guard let s = double(1) else { return .fail("--step-duration must be ≥ 1 s") }; c.stepDurationSeconds = s
        case "--refine": guard let n = int(0) else { return .fail("--refine must be ≥ 0") }; c.refineSteps = n
        case "--ramp-seconds": guard let s = double(0.001) else { return .fail("--ramp-seconds must be positive") }; c.rampSeconds = s
        case "--settle": guard let s = double(0) else { return .fail("--settle must be ≥ 0 s") }; c.settleSeconds = s
        case "--metrics":
            guard let url = URL(string: v), url.scheme == "http" || url.scheme == "https" else { return .fail("bad --metrics URL '\(v)'") }
            c.metrics = url
        case "--parleyd-pid": guard let n = Int32(v), n > 0 else { return .fail("--parleyd-pid must be a process id") }; c.parleydPID = n
        case "--slo-pacing-ms": guard let x = double(0) else { return .fail("--slo-pacing-ms must be ≥ 0") }; c.objective.pacingErrorP99Ms = x
        case "--slo-loss-pct": guard let x = double(0) else { return .fail("--slo-loss-pct must be ≥ 0") }; c.objective.lossPercent = x
        case "--slo-response-ms": guard let n = int(0) else { return .fail("--slo-response-ms must be ≥ 0") }; c.objective.responseP95Ms = n
        case "--slo-failed": guard let n = int(0) else { return .fail("--slo-failed must be ≥ 0") }; c.objective.failedCalls = n
        default: return nil
        }
        return .success(())
    }

    /// Runs the search; exit 0 when a level held, 1 when none did, 2 on set-up errors.
    static func runCapacity(_ a: Arguments, scenario: Scenario, target: SocketAddress) -> Int32 {
        let c = a.capacity
        var catalog: PromptCatalog?
        if let script = scenario.scriptPath {
            do { catalog = try PromptCatalog.load(scriptPath: script) } catch {
                FileHandleOutput.error("parley sim: script \(script): \(error)")
                return 2
            }
        }
        let rate = a.rate ?? 100
        let options = CapacityRunOptions(target: target, start: c.start, ramp: c.ramp, max: c.max,
                                         stepDurationSeconds: c.stepDurationSeconds, ratePerSecond: rate,
                                         rampSeconds: c.rampSeconds, refineSteps: c.refineSteps, localHost: a.local,
                                         calledUser: a.called, seed: a.seed)
        let ramp = c.rampSeconds.map { "each level placed over \($0) s" } ?? "ramp \(rate) calls/s"
        print("capacity search: scenario \(scenario.name) → \(target), hold \(Int(c.stepDurationSeconds)) s per level, \(ramp)")
        print(CapacitySearch.tableHeader)
        fflush(nil)
        let probe = ProbeBox()
        let quiet = a.quiet
        var hooks = CapacityRunner.Hooks()
        hooks.beforeStep = { level in
            settle(c)
            probe.current = StepProbe(metricsURL: c.metrics, pid: c.parleydPID, target: level)
            probe.current?.start()
        }
        hooks.progress = { p in
            probe.current?.simActive.store(p.active, ordering: .relaxed)
            if !quiet { progressLine(p) }
        }
        hooks.afterStep = { measures in
            if !quiet { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            probe.current?.finish(into: &measures)
            probe.current = nil
        }
        hooks.stepRecorded = { step in
            print(CapacitySearch.tableRow(step))
            if !step.held, let side = step.measures.limitingSide { print("        limited by: \(side)") }
            fflush(nil)   // a row as soon as its step ends, also into a pipe
        }
        let search: CapacitySearch
        do throws(SimRunError) {
            search = try CapacityRunner(scenario: scenario, catalog: catalog, options: options, objective: c.objective).run(hooks: hooks)
        } catch {
            if let running = probe.current {
                var discard = CapacityStepMeasures(concurrency: 0)
                running.finish(into: &discard)
            }
            FileHandleOutput.error("parley sim: \(error)")
            return 2
        }
        print("")
        print(search.table())
        if let out = a.json {
            do { try (search.json() + "\n").write(toFile: out, atomically: true, encoding: .utf8) } catch {
                FileHandleOutput.error("parley sim: cannot write the report: \(error)")
                return 2
            }
        }
        return search.maxConcurrencyHeld == nil ? 1 : 0
    }

    /// The step being watched: set and read on the thread running the search, except
    /// `simActive`, an atomic the simulator's loop stores into (hence `@unchecked Sendable`).
    final class ProbeBox: @unchecked Sendable {
        var current: StepProbe?
    }

    /// Lets the previous step's calls drain: with `--metrics`, until parleyd reports no
    /// call up (at most 60 s), then `--settle` seconds more at most 5; else `--settle` seconds.
    static func settle(_ c: CapacityArguments) {
        if let url = c.metrics {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, let active = StepProbe.callsActive(url), active > 0 {
                Thread.sleep(forTimeInterval: 0.5)
            }
            Thread.sleep(forTimeInterval: min(c.settleSeconds, 5))
        } else {
            Thread.sleep(forTimeInterval: c.settleSeconds)
        }
    }
}
