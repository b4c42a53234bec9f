import Foundation
import ParleyCall
import ParleyCodecs
import ParleyRealtime
import Testing

@Suite struct DefaultConfigurationTests {
    let root = ConfigurationFixtures.repositoryRoot
    let loader = ConfigurationFixtures.loader

    @Test func embeddedDefaultsAreValidFromTheRepository() throws {
        let config = try loader.embeddedDefaults(baseDirectory: root)
        #expect(config.sip.listen == [SIPListenAddress(address: SocketAddress(parsing: "127.0.0.1:5060")!,
                                                        transports: [.udp, .tcp])])
        #expect(config.routing.defaultScript == root + "/examples/demo/member-care.yaml")
        #expect(config.dataDirectory == root + "/.data")
        #expect(config.recordingsDirectory == root + "/.data/recordings")
        #expect(config.nodeID == DaemonConfiguration.defaultNodeID)
        #expect(!config.nodeID.isEmpty)
        #expect(config.media.codecs == [.pcmu, .pcma, .opus])
        #expect(config.media.rtpPortStart % 2 == 0)
        #expect(config.media.rtpPortCount >= config.sip.maxCalls * 2)
        #expect(config.admin.listen == SocketAddress.ipv4Loopback(port: 8080))
        #expect(config.admin.listen.isLoopback)
        #expect(config.trunks.isEmpty)
        #expect(config.recognizer.engine == .embedded)
    }

    @Test func anEmptyFileEqualsTheEmbeddedDefaults() throws {
        let empty = try loader.load(yaml: "", path: "empty.yaml", baseDirectory: root)
        let comments = try loader.load(yaml: "# nothing here\n", path: "c.yaml", baseDirectory: root)
        let defaults = try loader.embeddedDefaults(baseDirectory: root)
        #expect(empty == defaults)
        #expect(comments == defaults)
    }

    @Test func printedDefaultsLoadBackToTheDefaults() throws {
        let text = DaemonConfiguration().yamlText
        let loaded = try loader.load(yaml: text, path: "defaults.yaml", baseDirectory: root)
        #expect(loaded == (try loader.embeddedDefaults(baseDirectory: root)))
        // Every top-level key is written out, so the printout documents every section.
        for key in ConfigurationLoader.topLevelKeys {
            #expect(text.contains("\n\(key):") || text.hasPrefix("\(key):"), "missing \(key)")
        }
    }

    @Test func aLoadedConfigurationRoundTripsThroughItsYAML() throws {
        let full = try loader.load(path: ConfigurationFixtures.path("good/full.yaml"))
        let again = try loader.load(yaml: full.yamlText, path: "again.yaml", baseDirectory: "/")
        #expect(again == full)
    }

    @Test func theDemoConfigurationLoads() throws {
        let config = try loader.load(path: root + "/examples/demo/parleyd.yaml")
        #expect(config.nodeID == "demo")
        #expect(config.routing.rules.isEmpty)
        #expect(config.routing.defaultScript == root + "/examples/demo/member-care.yaml")
        #expect(config.dataDirectory == root + "/.data/demo")
        #expect(config.sip.listen.allSatisfy { $0.address.isLoopback })
        #expect(config.admin.listen.isLoopback)
        #expect(config.media.rtpBindHost == "127.0.0.1")
        #expect(config.webhook(named: "crm")?.url == "http://127.0.0.1:8089/calls")
    }

    @Test func theDemoConfigurationLoadsWithARelativePath() throws {
        let config = try loader.load(path: "examples/demo/parleyd.yaml")
        #expect(config.routing.defaultScript == root + "/examples/demo/member-care.yaml")
    }
}
