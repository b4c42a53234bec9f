import Foundation
import ParleyCall
import ParleyYAML
import Testing

/// One bad fixture per validation rule, with the exact diagnostics expected (all of them,
/// in source order: the loader reports everything at once).
@Suite struct ConfigurationDiagnosticsTests {
    let dir = ConfigurationFixtures.directory

    func expectDiagnostics(_ name: String, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let prefix = ConfigurationFixtures.path(name)
        let found = ConfigurationFixtures.diagnostics(name)
        #expect(found == expected.map { prefix + ":" + $0 }, sourceLocation: sourceLocation)
    }

    @Test func unknownKeysAreErrorsWithSuggestions() {
        expectDiagnostics("bad/unknown-keys.yaml", [
            "1:1: error: unknown key 'sipp' in the configuration; did you mean 'sip'?",
            "4:3: error: unknown key 'listn' in sip; did you mean 'listen'?",
            "5:12: error: unknown key 'max_call' in sip.limits; did you mean 'max_calls'?",
            "8:5: error: unknown key 'alow' in trunks; did you mean 'allow'?",
            "12:38: error: unknown key 'timeout' in webhooks.crm",
        ])
    }

    @Test func wrongTypesAndValues() {
        expectDiagnostics("bad/types.yaml", [
            "3:16: error: sip.limits.max_calls: expected an integer, found 'many'",
            "4:20: error: sip.limits.retry_after_s must be from 1 to 86400, found 0",
            "6:22: error: listening.noise_suppression: expected true or false, found 'yes'",
            "7:22: error: listening.echo_cancellation must be one of aec, aecm, off, found 'strong'",
            "8:9: error: trunks: expected a sequence, found a mapping",
            "9:8: error: media: expected a mapping, found a sequence",
            "12:18: error: logging.level must be one of trace, debug, info, notice, warning, error, found 'loud'",
        ])
    }

    /// An incomplete answer or a digit string never ends sooner than a complete answer.
    @Test func endOfTurnSilencesKeepTheirOrder() {
        expectDiagnostics("bad/end-of-turn.yaml", [
            "3:30: error: listening.incomplete_end_of_turn_ms must be from 600 to 10000, found 500",
            "4:25: error: listening.digit_end_of_turn_ms must be from 600 to 10000, found 20000",
        ])
    }

    @Test func badAddresses() {
        let tail = "expected HOST:PORT with a numeric IPv4 host or a bracketed IPv6 host"
        expectDiagnostics("bad/addresses.yaml", [
            "3:7: error: invalid sip.listen address 'localhost:5060': \(tail)",
            "4:16: error: invalid sip.listen address '[127.0.0.1]:5060': \(tail)",
            "7:14: error: invalid trunks.address '192.0.2.1': \(tail)",
            "8:21: error: invalid trunks.outbound_proxy '192.0.2.1:99999': \(tail)",
            "10:17: error: invalid rtp.bind_address '1.2.3': expected a numeric IPv4 or IPv6 address",
            "12:11: error: invalid admin.listen ':8080': \(tail)",
        ])
    }

    @Test func badCIDRs() {
        let tail = "expected ADDRESS/PREFIX with no host bits set (e.g. 192.0.2.0/24, 2001:db8::/32)"
        expectDiagnostics("bad/cidrs.yaml", [
            "4:9: error: invalid CIDR '10.0.0.1/8': \(tail)",
            "5:9: error: invalid CIDR '10.0.0.0/33': \(tail)",
            "6:9: error: invalid CIDR '2001:db8::/129': \(tail)",
            "7:9: error: invalid CIDR 'carrier.example': \(tail)",
        ])
    }

    @Test func portRangeWithAnOddStart() {
        expectDiagnostics("bad/port-range-odd.yaml", [
            "2:23: error: rtp.port_range.start must be even (RTP takes the even port, RTCP the odd one above), found 20001",
        ])
    }

    @Test func portRangeStartAboveEnd() {
        expectDiagnostics("bad/port-range-reversed.yaml", [
            "2:35: error: rtp.port_range.start (30000) is above end (20000)",
        ])
    }

    @Test func portRangeTooSmallForMaxCalls() {
        expectDiagnostics("bad/port-range-small.yaml", [
            "5:5: error: rtp.port_range 20000-20099 holds 100 ports; 100 calls need 200 (max_calls × 2)",
        ])
    }

    @Test func defaultPortRangeTooSmallForALargeMaxCalls() throws {
        let yaml = "sip:\n  limits: {max_calls: 6000}\nrouting: {default_script: member-care.yaml}\n"
        #expect(throws: ConfigurationError([ConfigurationDiagnostic(
            .invalidPortRange, "the default RTP port range 20000-29999 holds 10000 ports; 6000 calls need 12000 "
                + "(max_calls × 2)", at: YAMLMark(path: "x.yaml", line: 1, column: 1))])) {
            try ConfigurationFixtures.loader.load(yaml: yaml, path: "x.yaml",
                                                  baseDirectory: ConfigurationFixtures.repositoryRoot + "/examples/demo")
        }
    }

    @Test func unknownAndRepeatedCodecs() {
        expectDiagnostics("bad/codecs.yaml", [
            "2:18: error: unknown codec 'g729'; expected pcmu, pcma or opus",
            "2:24: error: codec 'PCMU' is listed twice",
            "2:30: error: unknown codec 'opus/48000'; expected pcmu, pcma or opus",
            "3:13: error: media.ptime_ms must be 10, 20, 30, 40 or 60, found 25",
            "4:12: error: media.tick_ms must be 10 or 20, found 15",
            "5:18: error: media.fifo_priority must be from 0 to 99, found 120",
        ])
    }

    @Test func missingScriptsAndBadRules() {
        expectDiagnostics("bad/scripts.yaml", [
            "3:46: error: script file not found: \(dir)/scripts/missing.yaml",
            "4:15: error: match: header needs a 'header' name",
            "5:35: error: write either equals or regex, not both",
            "6:30: error: invalid regular expression '(['",
            "7:7: error: missing key 'script' in routing rule",
            "8:19: error: script file not found: \(dir)/bad/nowhere/default.yaml",
            "10:14: error: scripts directory not found: \(dir)/no-such-dir",
        ])
    }

    @Test func anEmptyFileAwayFromTheDemoNamesTheMissingDefaultScript() {
        expectDiagnostics("bad/empty.yaml", [
            "1:1: error: default script file not found: \(dir)/bad/examples/demo/member-care.yaml "
                + "(set routing.default_script)",
        ])
    }

    @Test func secretsFromTheEnvironment() {
        expectDiagnostics("bad/secrets.yaml", [
            "5:21: error: environment variable 'PARLEY_TEST_UNSET_VARIABLE' (password_env) is not set",
            "7:18: error: missing key 'username' in credentials",
            "10:3: error: write either token or token_env, not both",
            "14:34: error: environment variable 'PARLEY_TEST_UNSET_VARIABLE' (headers_env) is not set",
        ])
    }

    @Test func recognizerWebhookAndCampaignRules() {
        expectDiagnostics("bad/recognizer-campaigns.yaml", [
            "2:11: error: engine: vosk needs recognizer.vosk.url",
            "5:10: error: campaigns.trunk 'nobody' names no trunk",
            "6:27: error: campaigns.calling_window.start must be a time HH:MM, found '9am'",
            "6:39: error: campaigns.calling_window.end must be after start",
            "8:14: error: invalid webhook url 'ftp://127.0.0.1/x': expected http:// or https://",
        ])
    }

    @Test func yamlSyntaxAndDuplicateKeys() {
        expectDiagnostics("bad/syntax.yaml", [
            "3:8: error: did not find expected ',' or ']' while parsing a flow sequence",
        ])
        expectDiagnostics("bad/duplicate-key.yaml", [
            "3:3: error: duplicate key 'limits' (first defined at line 2, column 3)",
        ])
    }

    @Test func anUnreadableFile() {
        expectDiagnostics("bad/does-not-exist.yaml", ["1:1: error: cannot read the configuration file"])
    }

    @Test func diagnosticsCarryCodesAndMarks() throws {
        do {
            _ = try ConfigurationFixtures.loader.load(path: ConfigurationFixtures.path("bad/codecs.yaml"))
            Issue.record("bad/codecs.yaml loaded")
        } catch {
            #expect(error.diagnostics.map(\.code) == [.unknownCodec, .invalidValue, .unknownCodec, .invalidValue,
                                                      .invalidValue, .invalidValue])
            #expect(error.diagnostics.first?.mark?.line == 2)
            #expect(error.diagnostics.first?.mark?.column == 18)
        }
    }
}
