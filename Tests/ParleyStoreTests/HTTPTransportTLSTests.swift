import Foundation
import Testing
@testable import ParleyStore

/// https:// webhooks against python's http.server behind TLS on 127.0.0.1, with certificates
/// made by Scripts/asr-test-server/make-certs.sh (openssl CLI) in a temporary directory.
@Suite(.serialized) struct HTTPTransportTLSTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Generates a test CA, a server certificate for 127.0.0.1/localhost signed by it, and one
    /// for the same names signed by a CA nobody trusts.
    static func makeCertificates(in dir: TempDirectory) throws -> String {
        let tlsDirectory = dir.file("tls")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repository.appendingPathComponent("Scripts/asr-test-server/make-certs.sh").path]
        process.environment = ProcessInfo.processInfo.environment.merging(["PARLEY_ASR_TLS": tlsDirectory]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "make-certs.sh failed")
        return tlsDirectory
    }

    func post(_ transport: HTTPWebhookTransport, _ url: String) async throws -> TransportResult {
        await transport.post(url: try #require(URL(string: url)), body: Data("{}".utf8), headers: [:], timeoutMs: 10_000)
    }

    @Test func aServerSignedByTheConfiguredCAIsTrustedByAddressAndByName() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let tls = try Self.makeCertificates(in: dir)
        let server = try HTTPTestServer(directory: dir, statuses: [200, 201],
                                        tls: (certificate: tls + "/server.pem", key: tls + "/server.key"))
        defer { server.stop() }
        let transport = HTTPWebhookTransport(configuration: .init(caFile: tls + "/ca.pem"))
        #expect(server.url.hasPrefix("https://127.0.0.1:"))
        #expect(try await post(transport, server.url) == .status(200))
        #expect(try await post(transport, "https://localhost:\(server.port)/hook") == .status(201))
        #expect(try server.requests().count == 2)
    }

    @Test func aServerTheSystemStoreDoesNotTrustIsRefused() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let tls = try Self.makeCertificates(in: dir)
        let server = try HTTPTestServer(directory: dir, statuses: [200],
                                        tls: (certificate: tls + "/server.pem", key: tls + "/server.key"))
        defer { server.stop() }
        let result = try await post(HTTPWebhookTransport(), server.url)
        guard case .failure(let text) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(text.contains("certificate verify failed"), "\(text)")
        #expect(try server.requests().isEmpty)
    }

    @Test func aCertificateFromAnotherCAIsRefusedEvenWithACAFile() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let tls = try Self.makeCertificates(in: dir)
        let server = try HTTPTestServer(directory: dir, statuses: [200],
                                        tls: (certificate: tls + "/rogue.pem", key: tls + "/rogue.key"))
        defer { server.stop() }
        let transport = HTTPWebhookTransport(configuration: .init(caFile: tls + "/ca.pem"))
        let result = try await post(transport, server.url)
        #expect({ if case .failure(let text) = result { return text.contains("certificate verify failed") }; return false }(),
                "\(result)")
    }

    @Test func aMissingCAFileIsAFailureNotACrash() async throws {
        let transport = HTTPWebhookTransport(configuration: .init(caFile: "/nonexistent/ca.pem"))
        let port = try ScriptedTCPServer(.acceptAndHold)
        defer { port.stop() }
        let result = try await post(transport, "https://127.0.0.1:\(port.port)/hook")
        #expect({ if case .failure(let text) = result { return text.contains("CA file") }; return false }(), "\(result)")
    }
}
