// parley — the operator's and engineer's command line.
// One file per subcommand (`<Name>Command.swift`), each exposing
// `static func run(_ arguments: [String]) -> Int32` (the process exit status).
import Foundation

struct Subcommand: Sendable {
    let name: String
    let summary: String
    let run: @Sendable ([String]) -> Int32
}

let subcommands: [Subcommand] = [
    Subcommand(name: "lint", summary: "check dialogue scripts (path:line:col diagnostics)", run: LintCommand.run),
    Subcommand(name: "chat", summary: "talk to a script in text through the live engine", run: ChatCommand.run),
    Subcommand(name: "test", summary: "run conversation test cases with a coverage report", run: TestCommand.run),
    Subcommand(name: "train", summary: "train the intent classifier", run: TrainCommand.run),
    Subcommand(name: "eval", summary: "evaluate the intent classifier on a held-out set", run: EvalCommand.run),
    Subcommand(name: "bench", summary: "benchmarks (bench core --json)", run: BenchCommand.run),
    Subcommand(name: "calls", summary: "export call records (calls export --csv|--json)", run: CallsCommand.run),
    Subcommand(name: "sim", summary: "simulated calls: load test and caller experience report", run: SimCommand.run),
    Subcommand(name: "campaign", summary: "outbound campaigns (campaign check FILE)", run: CampaignCommand.run),
]

@MainActor func printUsage() {
    print("usage: parley <command> [options]\n\ncommands:")
    for c in subcommands {
        print("  \(c.name + String(repeating: " ", count: max(1, 8 - c.name.count)))\(c.summary)")
    }
    print("\n`parley <command> --help` describes each command.")
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first, first != "help", first != "--help", first != "-h" else {
    printUsage()
    exit(arguments.isEmpty ? 2 : 0)
}
guard let command = subcommands.first(where: { $0.name == first }) else {
    FileHandleOutput.error("parley: unknown command '\(first)'")
    printUsage()
    exit(2)
}
exit(command.run(Array(arguments.dropFirst())))
