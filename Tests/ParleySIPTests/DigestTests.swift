import Testing
@testable import ParleySIP

@Suite struct DigestTests {
    @Test func md5Vectors() {
        // RFC 1321 §A.5
        let vectors: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (input, expected) in vectors {
            #expect(hexString(MD5.hash(Array(input.utf8))) == expected, "\(input)")
        }
    }

    @Test func sha256Vectors() {
        // FIPS 180-2 Appendix B
        #expect(hexString(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hexString(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hexString(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hexString(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func rfc2617Example() {
        let r = DigestClient.response(algorithm: .md5, username: "Mufasa", realm: "testrealm@host.com",
                                      password: "Circle Of Life", method: "GET", uri: "/dir/index.html",
                                      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", qop: "auth", nc: "00000001",
                                      cnonce: "0a4f113b")
        #expect(r == "6629fae49393a05397450978507c4ef1")
    }

    @Test func rfc7616Examples() {
        let common = (user: "Mufasa", realm: "http-auth@example.org", password: "Circle of Life",
                      nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
        let md5 = DigestClient.response(algorithm: .md5, username: common.user, realm: common.realm,
                                        password: common.password, method: "GET", uri: "/dir/index.html",
                                        nonce: common.nonce, qop: "auth", nc: "00000001", cnonce: common.cnonce)
        #expect(md5 == "8ca523f5e9506fed4657c9700eebdbec")
        let sha = DigestClient.response(algorithm: .sha256, username: common.user, realm: common.realm,
                                        password: common.password, method: "GET", uri: "/dir/index.html",
                                        nonce: common.nonce, qop: "auth", nc: "00000001", cnonce: common.cnonce)
        #expect(sha == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
    }

    @Test func challengeParsingAndAuthorizationHeader() throws {
        var resp = SIPMessage.response(to: Sample.request(.invite), statusCode: 407, toTag: "p")
        resp.add(.proxyAuthenticate, #"Digest realm="trunk.example.com", nonce="abc123", algorithm=MD5, qop="auth,auth-int", opaque="op""#)
        resp.add(.proxyAuthenticate, #"Digest realm="trunk.example.com", nonce="abc123", algorithm=SHA-256, qop="auth""#)
        let challenges = DigestChallenge.challenges(in: resp)
        #expect(challenges.map(\.algorithm) == [.sha256, .md5])
        var client = DigestClient(username: "parley", password: "secret")
        let accepted = client.accept(challenges[1])
        #expect(accepted)
        let first = client.authorization(method: .invite, uri: "sip:+15550100@trunk.example.com", cnonce: "c1")
        let (name, value) = try #require(first)
        #expect(name == .proxyAuthorization)
        #expect(value.hasPrefix(#"Digest username="parley", realm="trunk.example.com", nonce="abc123""#))
        #expect(value.contains("qop=auth, nc=00000001"))
        #expect(value.contains(#"opaque="op""#))
        let expected = DigestClient.response(algorithm: .md5, username: "parley", realm: "trunk.example.com", password: "secret",
                                             method: "INVITE", uri: "sip:+15550100@trunk.example.com", nonce: "abc123",
                                             qop: "auth", nc: "00000001", cnonce: "c1")
        #expect(value.contains(#"response="\#(expected)""#))
        let next = client.authorization(method: .invite, uri: "sip:x@y", cnonce: "c2")
        let second = try #require(next)
        #expect(second.1.contains("nc=00000002"))
        // A second challenge for the same realm without stale=true means the password is wrong.
        let wrongPassword = client.accept(DigestChallenge(realm: "trunk.example.com", nonce: "new"))
        #expect(!wrongPassword)
        let stale = client.accept(DigestChallenge(realm: "trunk.example.com", nonce: "new", stale: true))
        #expect(stale)
        #expect(client.nonceCount == 0)
        #expect(DigestChallenge(header: "Basic realm=\"x\"") == nil)
        #expect(DigestChallenge(header: "Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256") == nil)
    }
}
