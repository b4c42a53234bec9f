import Testing
@testable import ParleyAdmin

@Suite struct RouterAndAuthTests {
    func makeRouter() -> HTTPRouter {
        var router = HTTPRouter()
        router.add("GET", "/v1/calls/export") { _, _ in HTTPResponse(status: 200, contentType: "text/plain", body: "export") }
        router.add("GET", "/v1/calls/{id}") { _, p in HTTPResponse(status: 200, contentType: "text/plain", body: "call " + (p["id"] ?? "?")) }
        router.add("POST", "/v1/calls/{id}/hangup") { _, p in HTTPResponse(status: 202, contentType: "text/plain", body: "bye " + (p["id"] ?? "?")) }
        return router
    }

    func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test func matchesParametersAndLiteralsInOrder() async {
        let router = makeRouter()
        #expect(text(await router.handle(HTTPRequest(method: "GET", target: "/v1/calls/export"))) == "export")
        #expect(text(await router.handle(HTTPRequest(method: "GET", target: "/v1/calls/c%2D1"))) == "call c-1")
        #expect(text(await router.handle(HTTPRequest(method: "POST", target: "/v1/calls/abc/hangup"))) == "bye abc")
        #expect(text(await router.handle(HTTPRequest(method: "GET", target: "/v1/calls/abc/"))) == "call abc")
    }

    @Test func unknownPathIs404AndWrongMethodIs405() async {
        let router = makeRouter()
        #expect(await router.handle(HTTPRequest(method: "GET", target: "/nope")).status == 404)
        let wrong = await router.handle(HTTPRequest(method: "DELETE", target: "/v1/calls/abc"))
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "GET")
        #expect(await router.handle(HTTPRequest(method: "GET", target: "/v1/calls/abc/extra/more")).status == 404)
    }

    @Test func constantTimeCompare() {
        #expect(BearerTokenAuth.constantTimeEqual(Array("secret".utf8), Array("secret".utf8)))
        #expect(!BearerTokenAuth.constantTimeEqual(Array("secreT".utf8), Array("secret".utf8)))
        #expect(!BearerTokenAuth.constantTimeEqual(Array("secret-longer".utf8), Array("secret".utf8)))
        #expect(!BearerTokenAuth.constantTimeEqual([], Array("secret".utf8)))
        // Lengths differing by a multiple of 256 must not compare equal.
        let expected = [UInt8](repeating: 65, count: 4)
        #expect(!BearerTokenAuth.constantTimeEqual(expected + [UInt8](repeating: 0, count: 256), expected))
    }

    @Test func bearerAuthorization() {
        let auth = BearerTokenAuth(token: "s3cret")
        func request(_ path: String, _ authorization: String?) -> HTTPRequest {
            HTTPRequest(method: "GET", target: path, headers: authorization.map { [HTTPHeader(name: "Authorization", value: $0)] } ?? [])
        }
        #expect(auth.isAuthorized(request("/v1/status", "Bearer s3cret")))
        #expect(auth.isAuthorized(request("/v1/status", "bearer s3cret")))
        #expect(!auth.isAuthorized(request("/v1/status", nil)))
        #expect(!auth.isAuthorized(request("/v1/status", "Bearer wrong")))
        #expect(!auth.isAuthorized(request("/v1/status", "Basic s3cret")))
        #expect(auth.isAuthorized(request("/healthz", nil)))
        #expect(auth.isAuthorized(request("/metrics", nil)))
        let closed = BearerTokenAuth(token: "s3cret", openPaths: [])
        #expect(!closed.isAuthorized(request("/metrics", nil)))
        #expect(BearerTokenAuth(token: nil).isAuthorized(request("/v1/status", nil)))
    }
}
