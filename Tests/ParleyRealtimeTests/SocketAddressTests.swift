import Testing
@testable import ParleyRealtime

@Suite struct SocketAddressTests {
    @Test func parsesHostPortForms() throws {
        let v4 = try #require(SocketAddress(parsing: "192.0.2.10:5060"))
        #expect(v4.family == .ipv4)
        #expect(v4.host == "192.0.2.10")
        #expect(v4.port == 5060)
        #expect(v4.description == "192.0.2.10:5060")
        let v6 = try #require(SocketAddress(parsing: "[2001:db8::1]:5061"))
        #expect(v6.family == .ipv6)
        #expect(v6.host == "2001:db8::1")
        #expect(v6.port == 5061)
        #expect(v6.description == "[2001:db8::1]:5061")
        #expect(SocketAddress(parsing: "::1", defaultPort: 5060) == SocketAddress.ipv6Loopback(port: 5060))
        #expect(SocketAddress(parsing: "127.0.0.1", defaultPort: 9) == SocketAddress.ipv4Loopback(port: 9))
        #expect(SocketAddress(parsing: "[::1]", defaultPort: 7)?.port == 7)
    }

    @Test func rejectsMalformed() {
        for text in ["", "host:5060", "1.2.3.4:", "1.2.3.4:70000", "[::1", "[::1]x", "[::1]:", "::1", "1.2.3.4",
                     "256.1.1.1:1", "[1.2.3.4]:5", ":5060", "[]:5"] {
            #expect(SocketAddress(parsing: text) == nil, "\(text)")
        }
    }

    @Test func equalityAndHashing() {
        let a = SocketAddress(host: "10.0.0.1", port: 1)!
        var b = SocketAddress(host: "10.0.0.1", port: 2)!
        #expect(a != b)
        b.port = 1
        #expect(a == b)
        #expect(Set([a, b, .ipv6Loopback(port: 1)]).count == 2)
        #expect(SocketAddress(host: "::ffff:10.0.0.1", port: 1) != a)
        #expect(SocketAddress.ipv4Loopback(port: 0).isLoopback)
        #expect(SocketAddress.ipv6Loopback(port: 0).isLoopback)
        #expect(!a.isLoopback)
        #expect(a.addressBytes == [10, 0, 0, 1])
    }
}
