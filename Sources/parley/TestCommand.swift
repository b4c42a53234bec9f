import Foundation
import ParleyDialogue

/// `parley test FILE --cases CASES.yaml [--json]` — runs conversation test cases and
/// reports transition and state coverage. Exit status 1 on a lint error or a failed case.
enum TestCommand {
    static let usage = "usage: parley test FILE [--cases] CASES.yaml [--json] [--min-coverage PERCENT]"

    static func run(_ arguments: [String]) -> Int32 {
        var positional: [String] = []
        var json = false
        var minCoverage = 0.0
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--json": json = true
            case "--cases":
                i += 1
                guard i < arguments.count else { FileHandleOutput.error(usage); return 2 }
                positional.append(arguments[i])
            case "--min-coverage":
                i += 1
                guard i < arguments.count, let v = Double(arguments[i]) else { FileHandleOutput.error(usage); return 2 }
                minCoverage = v
            case "-h", "--help": print(usage); return 0
            default:
                if a.hasPrefix("-") { FileHandleOutput.error("parley test: unknown option \(a)\n\(usage)"); return 2 }
                positional.append(a)
            }
            i += 1
        }
        guard positional.count == 2 else { FileHandleOutput.error(usage); return 2 }
        let loaded = DialogueLinter(inspector: nil).check(path: positional[0])
        guard let script = loaded.script, !loaded.diagnostics.hasErrors else {
            loaded.diagnostics.filter { $0.severity == .error }.forEach { FileHandleOutput.error("\($0)") }
            return 1
        }
        let (suite, problems) = DialogueTestSuite.load(path: positional[1])
        guard let suite else {
            problems.forEach { FileHandleOutput.error("\($0)") }
            return 1
        }
        let report = suite.run(script: script, resolver: DialogueResolverFactory.make(for: script))
        if json { printJSON(report) } else { printTable(report) }
        let coverageOK = report.transitionCoverage * 100 + 1e-9 >= minCoverage
        if !coverageOK { FileHandleOutput.error("parley test: transition coverage below \(minCoverage)%") }
        return report.passed && coverageOK ? 0 : 1
    }

    static func printTable(_ report: DialogueTestReport) {
        for r in report.results {
            print("\(r.passed ? "PASS" : "FAIL")  \(r.name)")
            for f in r.failures { print("      \(r.mark): \(f)") }
        }
        print("\ncoverage by state:")
        var rows: [(String, Int, Int)] = []
        for ref in report.all {
            let scope: String
            switch ref.scope {
            case .state(let s): scope = s
            case .global: scope = "(global)"
            case .sideQuestion: scope = "(side questions)"
            case .callEnd: scope = "(call end)"
            }
            if let i = rows.firstIndex(where: { $0.0 == scope }) {
                rows[i].2 += 1
                if report.covered.contains(ref) { rows[i].1 += 1 }
            } else {
                rows.append((scope, report.covered.contains(ref) ? 1 : 0, 1))
            }
        }
        let width = max(10, rows.map(\.0.count).max() ?? 0)
        for (scope, covered, total) in rows {
            print("  \(scope.padding(toLength: width, withPad: " ", startingAt: 0))  \(covered)/\(total)")
        }
        for ref in report.missedTransitions { print("  not exercised: \(ref)") }
        let passed = report.results.filter(\.passed).count
        print(String(format: "\n%d/%d cases passed; transitions %d/%d (%.1f%%); states %.1f%%",
                     passed, report.results.count, report.coveredTransitions.count, report.all.count,
                     report.transitionCoverage * 100, report.stateCoverage * 100))
    }

    static func printJSON(_ report: DialogueTestReport) {
        let object: [String: Any] = [
            "cases": report.results.map { ["name": $0.name, "passed": $0.passed, "failures": $0.failures] as [String: Any] },
            "coverage": [
                "transitions": ["covered": report.coveredTransitions.count, "total": report.all.count,
                                "percent": report.transitionCoverage * 100] as [String: Any],
                "states": ["visited": report.states.filter(report.visited.contains).count, "total": report.states.count,
                           "percent": report.stateCoverage * 100] as [String: Any],
                "missed": report.missedTransitions.map(\.description),
            ] as [String: Any],
            "passed": report.passed,
        ]
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
