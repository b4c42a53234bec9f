import Foundation
import Testing

/// `parley campaign check` as a process: exit status and output.
struct CampaignCheckCommandTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let binary = repo.appendingPathComponent(".build/debug/parley").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw CheckError(message: "\(binary) is missing: run `swift build --product parley` first")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = repo
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    struct CheckError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    @Test func exampleChecksCleanWithASummary() throws {
        let (status, stdout) = try Self.run(["campaign", "check", "examples/campaigns/member-care.yaml"])
        #expect(status == 0)
        #expect(stdout.contains("examples/campaigns/member-care.yaml: ok"))
        #expect(stdout.contains("contacts  6 from examples/campaigns/contacts.csv (1 on the do-not-call list)"))
        #expect(stdout.contains("windows   Mon,Tue,Wed,Thu,Fri 09:00–20:00; Sat 10:00–18:00"))
        #expect(stdout.contains("variants  short_offer 50, long_offer 50"))
        #expect(stdout.contains("retry     at most 3 attempts; busy after 600 s (max 3)"))
    }

    @Test func badFileExitsOneWithDiagnostics() throws {
        let file = "Tests/ParleyCampaignTests/Fixtures/campaigns/bad-time-zone.yaml"
        let (status, stdout) = try Self.run(["campaign", "check", file])
        #expect(status == 1)
        #expect(stdout == "\(file):7:14: error: unknown time zone 'America/New_Yrok'; did you mean 'America/New_York'?\n")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Self.run(["campaign"]).status == 2)
        #expect(try Self.run(["campaign", "check"]).status == 2)
        #expect(try Self.run(["campaign", "frobnicate"]).status == 2)
    }
}
