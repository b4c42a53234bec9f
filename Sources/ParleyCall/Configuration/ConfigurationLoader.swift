import Foundation
import ParleyRealtime
import ParleyYAML

/// Reads a `parleyd` configuration file, applies command-line overrides and checks
/// everything, reporting every problem at once (`ConfigurationError`), each at its
/// `path:line:col`. Relative paths in the file are resolved against the file's
/// directory; `--data-dir` against `workingDirectory`. Secrets named by `password_env`,
/// `token_env` and `headers_env` are read from `environment`.
public struct ConfigurationLoader: Sendable {
    /// Top-level keys of the file.
    public static let topLevelKeys = [
        "node_id", "sip", "trunks", "rtp", "media", "listening", "routing", "scripts", "recognizer",
        "data_dir", "recordings", "webhooks", "admin", "drain_timeout_s", "logging", "campaigns",
    ]

    public var environment: [String: String]
    public var workingDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// Loads the file at `path` (marks carry `path` as written).
    public func load(path: String, overrides: ConfigurationOverrides = .init()) throws(ConfigurationError)
        -> DaemonConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError([ConfigurationDiagnostic(.unreadableFile, "cannot read the configuration file",
                                                              at: YAMLMark(path: path, line: 1, column: 1))])
        }
        let absolute = ConfigurationReader.resolve(path, against: workingDirectory)
        let base = (absolute as NSString).deletingLastPathComponent
        return try load(bytes: [UInt8](data), path: path, baseDirectory: base, overrides: overrides)
    }

    /// Loads YAML text; `path` names it in diagnostics, `baseDirectory` anchors relative paths.
    public func load(yaml: String, path: String, baseDirectory: String,
                     overrides: ConfigurationOverrides = .init()) throws(ConfigurationError) -> DaemonConfiguration {
        try load(bytes: Array(yaml.utf8), path: path, baseDirectory: baseDirectory, overrides: overrides)
    }

    /// The embedded defaults (no file), checked, with overrides; relative default paths
    /// are resolved against `baseDirectory` (default: the working directory).
    public func embeddedDefaults(baseDirectory: String? = nil, overrides: ConfigurationOverrides = .init())
        throws(ConfigurationError) -> DaemonConfiguration {
        try load(bytes: [], path: "<defaults>", baseDirectory: baseDirectory ?? workingDirectory, overrides: overrides)
    }

    private func load(bytes: [UInt8], path: String, baseDirectory: String,
                      overrides: ConfigurationOverrides) throws(ConfigurationError) -> DaemonConfiguration {
        let root: YAMLNode
        do throws(YAMLError) { root = try YAMLLoader.parse(bytes: bytes, path: path) } catch {
            throw ConfigurationError([ConfigurationDiagnostic(error)])
        }
        let base = ConfigurationReader.resolve(baseDirectory, against: workingDirectory)
        var reader = ConfigurationReader(baseDirectory: base, environment: environment,
                                         origin: YAMLMark(path: path, line: 1, column: 1))
        var config = read(root, with: &reader)
        apply(overrides, to: &config, diagnostics: &reader.diagnostics)
        if !reader.diagnostics.isEmpty { throw ConfigurationError(Self.sorted(reader.diagnostics)) }
        return config
    }

    private func read(_ root: YAMLNode, with reader: inout ConfigurationReader) -> DaemonConfiguration {
        var config = DaemonConfiguration()
        config.dataDirectory = reader.resolve(config.dataDirectory)
        let top = reader.section(root, keys: Self.topLevelKeys, context: "the configuration")
        if let node = reader.value(top, "node_id"), let id = reader.string(node, what: "node_id") {
            if id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
                config.nodeID = id
            } else {
                reader.report(.invalidValue, "node_id may hold only letters, digits, '-', '_' and '.'", at: node.mark)
            }
        }
        config.sip = reader.readSIP(reader.value(top, "sip"))
        config.trunks = reader.readTrunks(reader.value(top, "trunks"))
        config.media = reader.readMedia(rtp: reader.value(top, "rtp"), media: reader.value(top, "media"),
                                        maxCalls: config.sip.maxCalls)
        config.listening = reader.readListening(reader.value(top, "listening"))
        config.routing = reader.readRouting(reader.value(top, "routing"), scripts: reader.value(top, "scripts"))
        config.recognizer = reader.readRecognizer(reader.value(top, "recognizer"))
        if let dataDirectory = reader.path(top, "data_dir") { config.dataDirectory = dataDirectory }
        config.recordings = reader.readRecordings(reader.value(top, "recordings"))
        config.webhooks = reader.readWebhooks(reader.value(top, "webhooks"))
        config.admin = reader.readAdmin(reader.value(top, "admin"))
        config.drainTimeoutS = reader.int(top, "drain_timeout_s", default: config.drainTimeoutS, in: 0...86_400)
        config.logging = reader.readLogging(reader.value(top, "logging"))
        config.campaigns = reader.readCampaigns(reader.value(top, "campaigns"), trunks: config.trunks)
        return config
    }

    /// Source order; command-line problems last, in the order found.
    static func sorted(_ diagnostics: [ConfigurationDiagnostic]) -> [ConfigurationDiagnostic] {
        diagnostics.enumerated().sorted { a, b in
            switch (a.element.mark, b.element.mark) {
            case let (x?, y?): return x == y ? a.offset < b.offset : x < y
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
    }

    private func apply(_ overrides: ConfigurationOverrides, to config: inout DaemonConfiguration,
                       diagnostics: inout [ConfigurationDiagnostic]) {
        if let text = overrides.sipListen {
            if let address = SocketAddress(parsing: text) {
                config.sip.listen = [SIPListenAddress(address: address)]
            } else {
                diagnostics.append(ConfigurationDiagnostic(
                    .invalidAddress, ConfigurationReader.addressMessage(what: "--sip-listen", text: text),
                    option: "--sip-listen"))
            }
        }
        if let text = overrides.adminListen {
            if let address = SocketAddress(parsing: text) {
                config.admin.listen = address
            } else {
                diagnostics.append(ConfigurationDiagnostic(
                    .invalidAddress, ConfigurationReader.addressMessage(what: "--admin-listen", text: text),
                    option: "--admin-listen"))
            }
        }
        if let text = overrides.dataDirectory {
            if text.isEmpty {
                diagnostics.append(ConfigurationDiagnostic(.invalidValue, "--data-dir must not be empty",
                                                           option: "--data-dir"))
            } else {
                config.dataDirectory = ConfigurationReader.resolve(text, against: workingDirectory)
            }
        }
    }
}
