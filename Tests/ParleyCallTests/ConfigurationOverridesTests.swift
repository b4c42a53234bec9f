import Foundation
import ParleyCall
import ParleyRealtime
import Testing

@Suite struct ConfigurationOverridesTests {
    let root = ConfigurationFixtures.repositoryRoot
    let demo = ConfigurationFixtures.repositoryRoot + "/examples/demo/parleyd.yaml"

    @Test func overridesReplaceTheFileValues() throws {
        let loader = ConfigurationLoader(environment: [:], workingDirectory: "/tmp/work")
        let overrides = ConfigurationOverrides(sipListen: "[::1]:5070", adminListen: "127.0.0.1:9999",
                                               dataDirectory: "state/node1")
        let config = try loader.load(path: demo, overrides: overrides)
        #expect(config.sip.listen == [SIPListenAddress(address: SocketAddress(parsing: "[::1]:5070")!,
                                                        transports: [.udp, .tcp])])
        #expect(config.admin.listen == SocketAddress(parsing: "127.0.0.1:9999"))
        // Command-line paths are relative to the working directory, not the file.
        #expect(config.dataDirectory == "/tmp/work/state/node1")
        #expect(config.recordingsDirectory == "/tmp/work/state/node1/recordings")
        let plain = try loader.load(path: demo)
        #expect(plain.sip.listen.map(\.address.description) == ["127.0.0.1:5060"])
        #expect(plain.dataDirectory == root + "/.data/demo")
    }

    @Test func overridesApplyToTheEmbeddedDefaults() throws {
        let config = try ConfigurationFixtures.loader.embeddedDefaults(
            baseDirectory: root, overrides: ConfigurationOverrides(sipListen: "127.0.0.1:5090"))
        #expect(config.sip.listen.map(\.address) == [SocketAddress.ipv4Loopback(port: 5090)])
    }

    @Test func badOverridesAreReportedByOptionAfterFileProblems() {
        let overrides = ConfigurationOverrides(sipListen: "localhost:5060", adminListen: "8080", dataDirectory: "")
        let found = ConfigurationFixtures.diagnostics("bad/port-range-odd.yaml", overrides: overrides)
        let tail = "expected HOST:PORT with a numeric IPv4 host or a bracketed IPv6 host"
        #expect(found == [
            ConfigurationFixtures.path("bad/port-range-odd.yaml") + ":2:23: error: rtp.port_range.start must be even "
                + "(RTP takes the even port, RTCP the odd one above), found 20001",
            "--sip-listen: error: invalid --sip-listen 'localhost:5060': \(tail)",
            "--admin-listen: error: invalid --admin-listen '8080': \(tail)",
            "--data-dir: error: --data-dir must not be empty",
        ])
    }
}
