import ParleyCall
import ParleyYAML
import ParleyRealtime
import Testing

@Suite struct CIDRBlockTests {
    @Test func parsesNetworksAndHosts() throws {
        let v4 = try #require(CIDRBlock(parsing: "192.0.2.0/24"))
        #expect(v4.family == .ipv4 && v4.prefixLength == 24 && v4.networkBytes == [192, 0, 2, 0])
        #expect(CIDRBlock(parsing: "203.0.113.5")?.prefixLength == 32)
        #expect(CIDRBlock(parsing: "::1")?.prefixLength == 128)
        #expect(CIDRBlock(parsing: "0.0.0.0/0")?.prefixLength == 0)
        #expect(CIDRBlock(parsing: "2001:db8::/32")?.description == "2001:db8::/32")
    }

    @Test func rejectsMalformedBlocks() {
        for text in ["10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "2001:db8::1/32",
                     "::/129", "host.example", "", "/8", "10.0.0.0/ 8", "10.0.0.0/+8"] {
            #expect(CIDRBlock(parsing: text) == nil, "accepted \(text)")
        }
    }

    @Test func matchesAddressesInsideOnly() throws {
        let block = try #require(CIDRBlock(parsing: "10.1.0.0/17"))
        #expect(block.contains(SocketAddress(parsing: "10.1.127.255:5060")!))
        #expect(!block.contains(SocketAddress(parsing: "10.1.128.0:5060")!))
        #expect(!block.contains(SocketAddress(parsing: "[::ffff:10.1.0.1]:5060")!))
        let v6 = try #require(CIDRBlock(parsing: "2001:db8:abcd::/48"))
        #expect(v6.contains(SocketAddress(parsing: "[2001:db8:abcd:ffff::1]:1")!))
        #expect(!v6.contains(SocketAddress(parsing: "[2001:db8:abce::1]:1")!))
        #expect(!v6.contains(SocketAddress(parsing: "10.1.0.1:1")!))
        #expect(CIDRBlock(parsing: "0.0.0.0/0")!.contains(SocketAddress(parsing: "198.51.100.1:9")!))
    }
}

@Suite struct AdmissionTests {
    @Test func onlyAllowlistedSourcesAreAdmittedOnceATrunkHasAList() throws {
        let c = try ConfigurationFixtures.loader.load(path: ConfigurationFixtures.path("good/full.yaml"))
        #expect(c.hasAllowlist)
        #expect(c.trunk(allowing: SocketAddress(parsing: "192.0.2.77:5060")!)?.name == "carrier")
        #expect(c.trunk(allowing: SocketAddress(parsing: "10.9.8.7:5060")!)?.name == "sbc")
        #expect(c.trunk(allowing: SocketAddress(parsing: "[2001:db8::5]:5060")!)?.name == "carrier")
        #expect(c.admits(SocketAddress(parsing: "203.0.113.5:1")!))
        #expect(!c.admits(SocketAddress(parsing: "203.0.113.6:1")!))
        #expect(!c.admits(SocketAddress(parsing: "127.0.0.1:5060")!))
    }

    @Test func withoutAllowlistsEverySourceIsAdmitted() {
        let c = DaemonConfiguration()
        #expect(!c.hasAllowlist)
        #expect(c.admits(SocketAddress(parsing: "198.51.100.1:5060")!))
        #expect(c.trunk(allowing: SocketAddress(parsing: "198.51.100.1:5060")!) == nil)
    }

    @Test func aRepeatedListenAddressIsAnError() {
        let yaml = "sip:\n  listen: [\"127.0.0.1:5060\", \"127.0.0.1:5060\"]\nrouting: {default_script: member-care.yaml}\n"
        #expect(throws: ConfigurationError([ConfigurationDiagnostic(
            .invalidValue, "sip.listen has 127.0.0.1:5060 twice", at: .init(path: "l.yaml", line: 2, column: 30))])) {
            try ConfigurationFixtures.loader.load(yaml: yaml, path: "l.yaml",
                                                  baseDirectory: ConfigurationFixtures.repositoryRoot + "/examples/demo")
        }
    }
}
