import Testing
@testable import ParleySIP

@Suite struct ProtectionTests {
    @Test func ipParsing() {
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("[2001:db8::1]")?.description == "2001:db8:0:0:0:0:0:1")
        #expect(IPAddress("::1") != nil)
        #expect(IPAddress("::ffff:192.0.2.1")?.bytes == IPAddress("192.0.2.1")?.bytes)
        for bad in ["256.0.0.1", "1.2.3", "1::2::3", "gggg::1", "", "1.2.3.4.5", "12345::"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func cidrMatching() throws {
        let list = try #require(CIDRAllowlist(["192.0.2.0/24", "198.51.100.7", "2001:db8:a::/48", "10.0.0.0/8"]))
        #expect(list.allows(IPAddress("192.0.2.200")!))
        #expect(!list.allows(IPAddress("192.0.3.1")!))
        #expect(list.allows(IPAddress("198.51.100.7")!))
        #expect(!list.allows(IPAddress("198.51.100.8")!))
        #expect(list.allows(IPAddress("2001:db8:a:ffff::1")!))
        #expect(!list.allows(IPAddress("2001:db8:b::1")!))
        #expect(list.allows(IPAddress("10.255.0.1")!))
        #expect(!list.allows(IPAddress("::ffff:11.0.0.1")!))
        #expect(CIDRAllowlist(["192.0.2.0/33"]) == nil)
        #expect(CIDRAllowlist(["not-an-ip"]) == nil)
        #expect(CIDRAllowlist([])!.allows(IPAddress("203.0.113.1")!))
        #expect(CIDRAllowlist.Block("2001:db8::/32")?.description == "2001:db8:0:0:0:0:0:0/32")
        #expect(CIDRAllowlist.Block("0.0.0.0/0")!.contains(IPAddress("203.0.113.1")!))
    }

    @Test func tokenBucketWithManualClock() {
        var limiter = RateLimiter<String>(ratePerSecond: 10, burst: 5)
        var allowed = 0
        for _ in 0..<8 where limiter.check("a", nowMs: 0) == .allow { allowed += 1 }
        #expect(allowed == 5)
        #expect(limiter.check("a", nowMs: 0) == .limit(retryAfterSeconds: 1))
        // another source is independent
        #expect(limiter.check("b", nowMs: 0) == .allow)
        // 100 ms refills one token at 10/s
        #expect(limiter.check("a", nowMs: 100) == .allow)
        #expect(limiter.check("a", nowMs: 100) != .allow)
        // a long pause refills to the burst, not beyond
        var later = 0
        for _ in 0..<10 where limiter.check("a", nowMs: 60_000) == .allow { later += 1 }
        #expect(later == 5)
        var slow = RateLimiter<String>(ratePerSecond: 0.1, burst: 1)
        #expect(slow.check("x", nowMs: 0) == .allow)
        #expect(slow.check("x", nowMs: 0) == .limit(retryAfterSeconds: 10))
    }

    @Test func tableIsBounded() {
        var limiter = RateLimiter<Int>(ratePerSecond: 1, burst: 1, maxSources: 3)
        for i in 0..<10 { _ = limiter.check(i, nowMs: Int64(i)) }
        #expect(limiter.buckets.count == 3)
        #expect(limiter.buckets[9] != nil)
        #expect(limiter.buckets[0] == nil)
    }
}
