import Foundation
import ParleyCampaign

/// `parley campaign check FILE` — loads a campaign definition with its contact list and
/// do-not-call file; prints a summary (exit 0) or every problem as
/// `path:line:col: error: message` (exit 1).
/// `start|status|pause|resume|stop|report` talk to the daemon's admin API
/// (`CampaignAdminClient`); `run-local` runs a campaign here against simulated parties.
enum CampaignCommand {
    static let usage = """
        usage: parley campaign check FILE
               parley campaign start FILE [--paused]      [--admin URL] [--token T]
               parley campaign status [ID]                 [--admin URL] [--token T]
               parley campaign pause|resume|stop ID        [--admin URL] [--token T]
               parley campaign report ID [--html|--csv|--json] [-o FILE] [--admin URL] [--token T]
               parley campaign run-local FILE --simulate SPEC [--data-dir DIR] [--dial-log PATH]
                                         [--webhook URL] [--admin-listen HOST:PORT]
          check      validate a campaign definition (docs/campaigns.md) and the files it names
          start      start the campaign on the daemon (the file is read by the daemon: give a path it can read)
          status     one campaign's state and counts, or every campaign's
          pause, resume, stop   control a running campaign
          report     figures per A/B variant and per-contact results (text; --html with SVG charts)
          run-local  run the campaign in this process against simulated called parties
        the admin URL defaults to $PARLEY_ADMIN_URL or http://127.0.0.1:8089; exit 0 ok, 1 refused, 2 usage
        """

    static func run(_ arguments: [String]) -> Int32 {
        guard let sub = arguments.first else { FileHandleOutput.error(usage); return 2 }
        switch sub {
        case "-h", "--help", "help":
            print(usage)
            return 0
        case "check":
            return check(Array(arguments.dropFirst()))
        case "run-local":
            return CampaignLocalCommand.run(Array(arguments.dropFirst()))
        case "start", "status", "pause", "resume", "stop", "report":
            return CampaignRemoteCommand.run(sub, Array(arguments.dropFirst()))
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
