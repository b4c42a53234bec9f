import Foundation
import ParleyCampaign

/// `parley campaign check FILE` — loads a campaign definition with its contact list and
/// do-not-call file; prints a summary (exit 0) or every problem as
/// `path:line:col: error: message` (exit 1).
enum CampaignCommand {
    static let usage = """
        usage: parley campaign check FILE
          check  validate a campaign definition (docs/campaigns.md) and the files it names
        """

    static func run(_ arguments: [String]) -> Int32 {
        guard let sub = arguments.first else { FileHandleOutput.error(usage); return 2 }
        switch sub {
        case "-h", "--help", "help":
            print(usage)
            return 0
        case "check":
            return check(Array(arguments.dropFirst()))
        default:
            FileHandleOutput.error("parley campaign: unknown subcommand '\(sub)'\n\(usage)")
            return 2
        }
    }

    static func check(_ arguments: [String]) -> Int32 {
        if arguments.contains("-h") || arguments.contains("--help") { print(usage); return 0 }
        guard arguments.count == 1, let file = arguments.first, !file.hasPrefix("-") else {
            FileHandleOutput.error(usage)
            return 2
        }
        do throws(CampaignLoadError) {
            let loaded = try CampaignDefinitionLoader.loadCampaign(path: file)
            print("\(file): ok")
            for line in loaded.summaryLines { print("  " + line) }
            return 0
        } catch {
            for d in error.diagnostics { print(d) }
            FileHandleOutput.error("parley campaign check: \(error.diagnostics.count) error(s) in \(file)")
            return 1
        }
    }
}
