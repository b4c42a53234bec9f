import Foundation
import ParleyCall

/// Paths to the test fixtures and the repository, derived from this file's location.
enum ConfigurationFixtures {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent().path
    static let directory = testsDirectory.appendingPathComponent("Fixtures").path

    /// Absolute path of a fixture, e.g. `good/full.yaml`.
    static func path(_ name: String) -> String { directory + "/" + name }

    /// A loader with a fixed environment (secrets for the golden fixtures only).
    static let loader = ConfigurationLoader(
        environment: ["TRUNK_PASSWORD": "s3cret", "CRM_AUTH": "Bearer crm-token", "ADMIN_TOKEN": "admin-token"],
        workingDirectory: repositoryRoot)

    /// The diagnostics loading a fixture produces (empty when it loads).
    static func diagnostics(_ name: String, overrides: ConfigurationOverrides = .init()) -> [String] {
        do {
            _ = try loader.load(path: path(name), overrides: overrides)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }
}
