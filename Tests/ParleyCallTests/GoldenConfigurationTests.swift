import Foundation
import ParleyCall
import ParleyCodecs
import ParleyRealtime
import Testing

@Suite struct GoldenConfigurationTests {
    let fixtures = ConfigurationFixtures.directory

    @Test func fullFixtureSetsEveryOption() throws {
        let c = try ConfigurationFixtures.loader.load(path: ConfigurationFixtures.path("good/full.yaml"))
        #expect(c.nodeID == "node-a.1")
        #expect(c.sip.listen == [
            SIPListenAddress(address: SocketAddress(parsing: "0.0.0.0:5080")!, transports: [.udp]),
            SIPListenAddress(address: SocketAddress(parsing: "[::1]:5081")!, transports: [.tcp, .udp]),
            SIPListenAddress(address: SocketAddress(parsing: "127.0.0.1:5082")!, transports: [.udp, .tcp]),
        ])
        #expect(c.sip.advertisedAddress == "198.51.100.7")
        #expect(c.sip.unlistedSources == .drop)
        #expect((c.sip.t1Ms, c.sip.t2Ms, c.sip.t4Ms) == (250, 2000, 4000))
        #expect(c.sip.maxMessageBytes == 8192 && c.sip.maxCalls == 40 && c.sip.rateLimitPerSecond == 0)
        #expect(c.sip.rateLimitBurst == 10 && c.sip.retryAfterS == 30)

        #expect(c.trunks.map(\.name) == ["carrier", "sbc"])
        let carrier = try #require(c.trunk(named: "carrier"))
        #expect(carrier.address == SocketAddress(parsing: "192.0.2.10:5060"))
        #expect(carrier.outboundProxy == SocketAddress(parsing: "192.0.2.11:5060"))
        #expect(carrier.allow.map(\.description) == ["192.0.2.0/24", "2001:db8::/32", "203.0.113.5/32"])
        #expect(carrier.credentials == DigestCredentials(username: "parley", password: "s3cret",
                                                         passwordEnvironmentVariable: "TRUNK_PASSWORD",
                                                         realm: "carrier.example"))
        #expect(carrier.fromURI == "sip:care@example.com")
        #expect(carrier.pAssertedIdentity == "sip:+15550100@example.com")
        #expect(carrier.callerID == "+15550100")
        let sbc = try #require(c.trunk(named: "sbc"))
        #expect(sbc.address == nil)
        #expect(sbc.allow.map(\.description) == ["10.0.0.0/8"])
        #expect(sbc.credentials?.password == "inline-secret")
        #expect(sbc.credentials?.passwordEnvironmentVariable == nil)

        #expect(c.media == MediaConfiguration(rtpBindHost: "::", rtpPortStart: 30000, rtpPortEnd: 30079,
                                              codecs: [.opus, .pcma], ptimeMs: 30, jitterMinMs: 20, jitterMaxMs: 400,
                                              threads: 2, tickMs: 20, timeoutS: 15, fifoPriority: 10))
        #expect(c.listening == ListeningSettings(echoCancellation: .aecm, noiseSuppression: false, gainControl: true,
                                                 endOfTurnMs: 300, incompleteEndOfTurnMs: 900, digitEndOfTurnMs: 2500))

        let care = fixtures + "/scripts/care.yaml", hello = fixtures + "/scripts/hello.yaml"
        #expect(c.routing.rules == [
            RoutingRule(field: .called, match: .exact("+15550199"), script: care),
            RoutingRule(field: .toUser, match: .regex("^care-"), script: care),
            RoutingRule(field: .header("X-Parley-Script"), match: .exact("hello"), script: hello),
        ])
        #expect(c.routing.defaultScript == hello)
        #expect(c.routing.scriptsDirectory == fixtures + "/scripts")
        #expect(c.routing.hotReload)
        #expect(c.routing.scriptPaths == [care, hello])

        #expect(c.recognizer == RecognizerConfiguration(engine: .vosk, embeddedMode: .lm, grammarDecoders: 4,
                                                        lmDecoders: 1, prewarmDecoders: 0, workerThreads: 3,
                                                        voskURL: "ws://127.0.0.1:2700", voskConnectTimeoutMs: 500,
                                                        voskResponseTimeoutMs: 1500, phoneLoop: false,
                                                        secondPassMs: 5000))
        #expect(c.dataDirectory == fixtures + "/good/data")
        #expect(c.recordings == RecordingConfiguration(enabled: true, directory: "/var/tmp/rec", format: .flac))
        #expect(c.recordingsDirectory == "/var/tmp/rec")

        #expect(c.webhooks.map(\.name) == ["crm", "audit"])
        let crm = try #require(c.webhook(named: "crm"))
        #expect(crm.url == "https://crm.example/hooks/parley" && crm.timeoutMs == 3000)
        #expect(crm.headers.map(\.name) == ["X-Source", "Authorization"])
        #expect(crm.headers.map(\.value) == ["parley", "Bearer crm-token"])
        #expect((crm.maxAttempts, crm.initialBackoffMs, crm.maxBackoffMs) == (5, 500, 60000))
        #expect(c.webhook(named: "audit") == WebhookEndpoint(name: "audit", url: "http://127.0.0.1:9000/audit"))

        #expect(c.admin == AdminConfiguration(listen: SocketAddress(parsing: "[::1]:9090")!, token: "admin-token",
                                              tokenEnvironmentVariable: "ADMIN_TOKEN"))
        #expect(c.drainTimeoutS == 120)
        #expect(c.logging == LoggingConfiguration(level: .debug, format: .json))
        #expect(c.campaigns == CampaignDefaults(trunk: "carrier", maxConcurrentCalls: 5, callsPerSecond: 0.5,
                                                windowStartMinutes: 8 * 60 + 30, windowEndMinutes: 21 * 60,
                                                maxAttempts: 4, retryDelayS: 1800))
    }

    @Test func minimalFixtureChangesOnlyWhatItSays() throws {
        let c = try ConfigurationFixtures.loader.load(path: ConfigurationFixtures.path("good/minimal.yaml"))
        var expected = DaemonConfiguration.defaults(in: fixtures + "/good", script: fixtures + "/scripts/hello.yaml")
        expected.sip.listen = [SIPListenAddress(address: SocketAddress(parsing: "127.0.0.1:5999")!)]
        #expect(c == expected)
    }

    @Test func nullValuesMeanTheDefaults() throws {
        let c = try ConfigurationFixtures.loader.load(path: ConfigurationFixtures.path("good/nulls.yaml"))
        let expected = DaemonConfiguration.defaults(in: fixtures + "/good", script: fixtures + "/scripts/hello.yaml")
        #expect(c == expected)
    }

    @Test func summaryNamesTheEffectiveSettingsButNoSecrets() throws {
        let c = try ConfigurationFixtures.loader.load(path: ConfigurationFixtures.path("good/full.yaml"))
        let summary = c.summary
        #expect(summary.contains("node: node-a.1"))
        #expect(summary.contains("0.0.0.0:5080 (udp)"))
        #expect(summary.contains("password from $TRUNK_PASSWORD"))
        #expect(summary.contains("recognizer: vosk ws://127.0.0.1:2700"))
        for secret in ["s3cret", "inline-secret", "admin-token", "crm-token"] {
            #expect(!summary.contains(secret), "summary shows \(secret)")
        }
    }
}

extension DaemonConfiguration {
    /// The defaults as loaded from a file in `directory` that names `script` as the default script.
    static func defaults(in directory: String, script: String) -> DaemonConfiguration {
        var config = DaemonConfiguration()
        config.dataDirectory = directory + "/.data"
        config.routing.defaultScript = script
        return config
    }
}
