import Foundation

/// `parley campaign start|status|pause|resume|stop|report` over the admin API.
enum CampaignRemoteCommand {
    static func run(_ sub: String, _ given: [String]) -> Int32 {
        var arguments = given
        guard let client = CampaignAdminClient.extract(&arguments) else { return usageError() }
        var output: String?
        if let i = arguments.firstIndex(of: "-o") {
            guard i + 1 < arguments.count else { return usageError() }
            output = arguments[i + 1]
            arguments.removeSubrange(i...(i + 1))
        }
        let flags = arguments.filter { $0.hasPrefix("--") }
        let positional = arguments.filter { !$0.hasPrefix("--") }
        do {
            let response: CampaignAdminClient.Response
            switch sub {
            case "start":
                guard positional.count == 1, flags.allSatisfy({ $0 == "--paused" }) else { return usageError() }
                let path = URL(fileURLWithPath: positional[0]).standardizedFileURL.path
                let body = try JSONSerialization.data(withJSONObject: ["file": path, "paused": flags.contains("--paused")])
                response = try client.request("POST", "/campaigns", json: String(decoding: body, as: UTF8.self))
            case "status":
                guard positional.count <= 1, flags.isEmpty else { return usageError() }
                response = try client.request("GET", positional.first.map { "/campaigns/" + escape($0) } ?? "/campaigns")
            case "report":
                let formats = ["--html": "html", "--csv": "csv", "--json": "json"]
                guard positional.count == 1, flags.count <= 1, flags.allSatisfy({ formats[$0] != nil }) else { return usageError() }
                response = try client.request("GET", "/campaigns/\(escape(positional[0]))/report?format=\(flags.first.flatMap { formats[$0] } ?? "json")")
            default:   // pause, resume, stop
                guard positional.count == 1, flags.isEmpty else { return usageError() }
                response = try client.request("POST", "/campaigns/\(escape(positional[0]))/\(sub)")
            }
            guard (200..<300).contains(response.status) else {
                FileHandleOutput.error("parley campaign \(sub): \(response.status) \(response.body)")
                return 1
            }
            if let output {
                try Data(response.body.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                print(response.body, terminator: response.body.hasSuffix("\n") ? "" : "\n")
            }
            return 0
        } catch {
            FileHandleOutput.error("parley campaign \(sub): \(error)")
            return 1
        }
    }

    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }

    static func usageError() -> Int32 {
        FileHandleOutput.error(CampaignCommand.usage)
        return 2
    }
}
