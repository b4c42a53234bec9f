import Foundation
import ParleyDialogue

/// `parley lint [--no-audio] FILE...` — prints `path:line:col: error|warning: message [rule]`
/// for every finding; exit status 1 when any file has an error.
enum LintCommand {
    static let usage = """
        usage: parley lint [--no-audio] [--quiet] FILE...
          --no-audio  do not open prompt recordings
          --quiet     print errors only
        """

    static func run(_ arguments: [String]) -> Int32 {
        var files: [String] = []
        var audio = true, quiet = false
        for a in arguments {
            switch a {
            case "--no-audio": audio = false
            case "--quiet": quiet = true
            case "-h", "--help": print(usage); return 0
            default:
                if a.hasPrefix("-") { FileHandleOutput.error("parley lint: unknown option \(a)\n\(usage)"); return 2 }
                files.append(a)
            }
        }
        guard !files.isEmpty else { FileHandleOutput.error(usage); return 2 }
        let linter = DialogueLinter(inspector: audio ? WAVPromptInspector() : nil)
        var errors = 0, warnings = 0
        for file in files {
            let result = linter.check(path: file)
            for d in result.diagnostics {
                if d.severity == .error { errors += 1 } else { warnings += 1 }
                if !quiet || d.severity == .error { print(d) }
            }
        }
        FileHandleOutput.error("parley lint: \(errors) error(s), \(warnings) warning(s) in \(files.count) file(s)")
        return errors > 0 ? 1 : 0
    }
}
