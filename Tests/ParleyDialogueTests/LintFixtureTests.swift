import Foundation
import Testing
@testable import ParleyDialogue

/// Every bad fixture ends with `# expect: line:col: severity: message [rule]` lines: the
/// exact diagnostics the linter must produce for it, no more, no fewer.
@Suite struct LintFixtureTests {
    static let badFiles: [String] = {
        let dir = TestPaths.fixture("bad")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test func fixturesArePresent() {
        #expect(Self.badFiles.count >= 30, "bad fixtures missing under \(TestPaths.fixture("bad"))")
    }

    @Test(arguments: badFiles)
    func badFixtureProducesExactDiagnostics(_ name: String) throws {
        let path = TestPaths.fixture("bad/\(name)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = text.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map { String($0.dropFirst(10)) }
        #expect(!expected.isEmpty, "\(name) declares no expected diagnostics")
        let result = DialogueLinter().check(path: path)
        let actual = result.diagnostics.map { d -> String in
            d.description.replacingOccurrences(of: path + ":", with: "")
                .replacingOccurrences(of: TestPaths.fixtures + "/", with: "")
        }
        #expect(actual == expected)
    }

    @Test func everyRuleHasAFixture() {
        var covered: Set<String> = []
        for name in Self.badFiles {
            let text = (try? String(contentsOfFile: TestPaths.fixture("bad/\(name)"), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where line.hasPrefix("# expect: ") {
                if let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]") {
                    covered.insert(String(line[line.index(after: open)..<close]))
                }
            }
        }
        let exempt: Set<DialogueLintRule> = [.unreadableFile]  // covered by unreadableFileIsReported
        let missing = DialogueLintRule.allCases.filter { !exempt.contains($0) && !covered.contains($0.rawValue) }
        #expect(missing.isEmpty, "rules without a fixture: \(missing.map(\.rawValue))")
    }

    @Test func unreadableFileIsReported() {
        let result = DialogueLinter().check(path: "/nonexistent/script.yaml")
        #expect(result.script == nil)
        #expect(result.diagnostics.map(\.description) == ["/nonexistent/script.yaml:1:1: error: cannot read file [unreadable-file]"])
    }

    @Test func goodFixtureIsClean() {
        let result = DialogueLinter().check(path: TestPaths.fixture("good/minimal.yaml"))
        #expect(result.script != nil)
        #expect(result.diagnostics.map(\.description) == [])
    }

    @Test(arguments: ["demo/member-care.yaml", "zh-reminder/payment-reminder.yaml"])
    func examplesLintClean(_ name: String) {
        let result = DialogueLinter().check(path: TestPaths.example(name))
        #expect(result.script != nil)
        #expect(result.diagnostics.map(\.description) == [], "run examples/*/make-prompts.sh if recordings are missing")
    }

    @Test func lintContinuesPastErrorsAndSortsByPosition() throws {
        let text = """
            script: x
            dispositions: [done]
            defaults: {hangup_disposition: done}
            prompts:
              p: {file: a.wav, text: hi}
            states:
              s:
                play: [p, nope]
                colour: red
                next: missing
            """
        let result = DialogueLinter(inspector: nil).check(text: text, path: "x.yaml")
        #expect(result.diagnostics.map(\.description) == [
            "x.yaml:8:15: error: prompt 'nope' is not defined [undefined-prompt]",
            "x.yaml:9:5: error: unknown key 'colour' in state 's' [unknown-key]",
            "x.yaml:10:11: error: state 'missing' is not defined [undefined-state]",
        ])
    }
}
