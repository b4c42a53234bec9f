import Foundation
import Testing

extension ParleydEndToEnd {
    /// Issue 8, "Must show" 5: what ./Scripts/run.sh starts is a daemon a SIPp call can talk to.
    @Suite struct RunScriptTests {
        /// run.sh ends in `exec "$bin/parleyd" --config "$config" "$@"`: the same invocation with
        /// the config run.sh names (the demo), plus `"$@"` = port-0 listeners and a temp data
        /// directory so it cannot collide with a daemon already on 5060/8080. One call: 200 OK,
        /// the greeting, DTMF 2 (declined), and parleyd's BYE.
        @Test func runScriptInvocationServesACall() throws {
            let runScript = try String(contentsOfFile: Paths.packageRoot + "/Scripts/run.sh", encoding: .utf8)
            let configLine = runScript.split(separator: "\n").first { $0.hasPrefix("config=") }
            let config = try #require(configLine.map { String($0.dropFirst("config=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) },
                                      "run.sh names no config=")
            #expect(runScript.contains(#"exec "$bin/parleyd" --config "$config" "$@""#), "run.sh no longer execs parleyd --config \"$config\" \"$@\"")
            #expect(config == "examples/demo/parleyd.yaml")

            let daemon = try Daemon(DaemonSettings(), configPath: Paths.packageRoot + "/" + config)
            try daemon.start()
            defer { daemon.stop() }
            let dtmfAtMs = try DemoCall.greetingMs() + 1500
            let sipp = try SIPpRun(scenario: "uac_dtmf_2.xml", target: daemon.sipTarget,
                                   keys: ["dtmf_at_ms": "\(dtmfAtMs)"], timeoutSeconds: 40)
            let result = sipp.finish()
            #expect(result.succeeded, "\(result)\n--- parleyd:\n\(daemon.log.suffix(3000))")
            #expect(result.values("answer_port").count == 1, "no 200 OK with SDP: \(result.logLines)")
            #expect(result.values("disposition") == ["declined"], "BYE: \(result.logLines)")
            let rows = try StoreReader(path: daemon.storePath).calls()
            #expect(rows.count == 1 && StoreReader.string(rows[0], "disposition") == "declined", "calls: \(rows)")
        }
    }
}
