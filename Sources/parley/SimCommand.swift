import Foundation
import ParleyRealtime
import ParleySim

/// `parley sim` — places simulated calls against a deployment (docs/sim.md): live
/// progress on stderr, then the report table; `--json` and `--html` write the report.
/// Exit status: 0 when every call passed, 1 when any failed, 2 for bad usage.
/// `--capacity` runs the capacity search instead (SimCommand+Capacity.swift).
enum SimCommand {
    static let usage = """
        usage: parley sim --target HOST:PORT --scenario FILE [--calls N] [--concurrency C]
                          [--rate R] [--duration S] [--json OUT] [--html OUT] [--local HOST]
                          [--called USER] [--seed N] [--record DIR] [--quiet]
          --target       the bot's SIP address (UDP)
          --scenario     scenario YAML (docs/sim.md); examples in examples/sim/
          --calls        calls to place (default 1, or unlimited with --duration)
          --concurrency  calls up at once (default 1)
          --rate         new calls per second at most (default: as concurrency allows)
          --duration     stop placing new calls after S seconds
          --json, --html write the report (JSON; self-contained HTML with SVG charts)
          --local        local address for SIP/RTP (default 127.0.0.1)
          --called       user part of the Request-URI (default parley)
          --record       write each call's received audio to DIR/call-<n>-heard.wav
        """

    struct Arguments {
        var target: SocketAddress?
        var scenario: String?
        var calls: Int?
        var concurrency = 1
        var rate: Double?
        var duration: Double?
        var json: String?
        var html: String?
        var local = "127.0.0.1"
        var called = "parley"
        var seed: UInt64 = 1
        var quiet = false
        var record: String?
        var capacity = CapacityArguments()
    }

    struct UsageError: Error {
        var message: String
    }

    static func parse(_ arguments: [String]) -> Result<Arguments, UsageError> {
        var a = Arguments()
        var i = 0
        func value() -> String? { i + 1 < arguments.count ? arguments[i + 1] : nil }
        while i < arguments.count {
            let flag = arguments[i]
            if flag == "--quiet" { a.quiet = true; i += 1; continue }
            if flag == "--capacity" { a.capacity.enabled = true; i += 1; continue }
            guard let v = value() else { return .fail("\(flag) needs a value") }
            switch flag {
            case "--target":
                guard let t = SocketAddress(parsing: v, defaultPort: 5060) else { return .fail("bad --target '\(v)' (HOST:PORT)") }
                a.target = t
            case "--scenario": a.scenario = v
            case "--calls":
                guard let n = Int(v), n > 0 else { return .fail("--calls must be a positive integer") }
                a.calls = n
            case "--concurrency":
                guard let n = Int(v), n > 0, n <= 10_000 else { return .fail("--concurrency must be 1…10000") }
                a.concurrency = n
            case "--rate":
                guard let r = Double(v), r > 0 else { return .fail("--rate must be positive") }
                a.rate = r
            case "--duration":
                guard let s = Double(v), s > 0 else { return .fail("--duration must be positive (seconds)") }
                a.duration = s
            case "--json": a.json = v
            case "--html": a.html = v
            case "--local": a.local = v
            case "--called": a.called = v
            case "--record": a.record = v
            case "--seed":
                guard let n = UInt64(v) else { return .fail("--seed must be a non-negative integer") }
                a.seed = n
            default:
                switch parseCapacity(flag, v, into: &a.capacity) {
                case .success?: break
                case .failure(let error)?: return .failure(error)
                case nil: return .fail("unknown option '\(flag)'")
                }
            }
            i += 2
        }
        guard a.target != nil else { return .fail("--target is required") }
        guard a.scenario != nil else { return .fail("--scenario is required") }
        if a.capacity.enabled {
            if a.capacity.stepCalls != nil && a.capacity.factor != nil { return .fail("--step and --factor exclude each other") }
            if a.capacity.rampSeconds != nil && a.rate != nil { return .fail("--rate and --ramp-seconds exclude each other") }
            if a.calls != nil || a.duration != nil || arguments.contains("--concurrency") {
                return .fail("--capacity sets calls, concurrency and duration per step (--start, --step/--factor, --max, --step-duration)")
            }
            if a.capacity.max < a.capacity.start { return .fail("--max must be at least --start") }
        }
        return .success(a)
    }

    static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("-h") || arguments.contains("--help") { print(usage + "\n\n" + capacityUsage); return 0 }
        let a: Arguments
        switch parse(arguments) {
        case .success(let parsed): a = parsed
        case .failure(let error):
            FileHandleOutput.error("parley sim: \(error.message)\n\(usage)\n\n\(capacityUsage)")
            return 2
        }
        guard let target = a.target, let path = a.scenario else { return 2 }
        let scenario: Scenario
        do throws(ScenarioError) { scenario = try ScenarioLoader.load(path: path) } catch {
            FileHandleOutput.error(error.description)
            return 2
        }
        if a.capacity.enabled { return runCapacity(a, scenario: scenario, target: target) }
        let options = SimRunOptions(target: target, calls: a.calls, concurrency: a.concurrency, ratePerSecond: a.rate,
                                    durationSeconds: a.duration, localHost: a.local, calledUser: a.called, seed: a.seed,
                                    recordDirectory: a.record)
        let quiet = a.quiet
        let result: SimRunResult
        do throws(SimRunError) {
            let engine = try SimEngine(scenario: scenario, options: options) { p in
                if !quiet { progressLine(p) }
            }
            result = try engine.run()
        } catch {
            FileHandleOutput.error("parley sim: \(error)")
            return 2
        }
        if !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
        print("scenario \(scenario.name) → \(target), \(result.elapsedMs) ms")
        print(result.report.table())
        if let floor = result.callerPacing {
            print(String(format: "caller send tick lateness: p99 %.2f ms, max %.2f ms, missed ticks %d",
                         Double(floor.p99LatenessNs) / 1e6, Double(floor.maxLatenessNs) / 1e6, floor.missedTicks))
        }
        do {
            if let out = a.json { try (result.report.json() + "\n").write(toFile: out, atomically: true, encoding: .utf8) }
            if let out = a.html {
                try SimHTMLReport(scenario: scenario.name, target: "\(target)", result: result).html()
                    .write(toFile: out, atomically: true, encoding: .utf8)
            }
        } catch {
            FileHandleOutput.error("parley sim: cannot write the report: \(error)")
            return 2
        }
        return result.report.failed == 0 ? 0 : 1
    }

    static func progressLine(_ p: SimProgress) {
        let planned = p.planned.map { "/\($0)" } ?? ""
        let seconds = String(format: "%6.1f", Double(p.elapsedMs) / 1_000)
        let line = "\r\(seconds) s  started \(p.started)\(planned)  up \(p.active)  passed \(p.passed)  failed \(p.failed)   "
        FileHandle.standardError.write(Data(line.utf8))
    }
}

extension Result where Failure == SimCommand.UsageError {
    static func fail(_ message: String) -> Self { .failure(SimCommand.UsageError(message: message)) }
}
