import Foundation

/// Everything `parleyd` is configured with. Every option has a default, so an empty file
/// (or no file: the embedded defaults) runs the bundled demo on loopback. Load with
/// `ConfigurationLoader`; the YAML form of every option is in `docs/config.md` and
/// `parleyd --print-defaults`.
///
/// Paths are absolute after loading: relative paths in a file are resolved against the
/// file's directory, command-line paths against the working directory.
public struct DaemonConfiguration: Sendable, Equatable {
    /// This node's identifier in call records and metrics (default: the host name).
    public var nodeID: String
    public var sip: SIPConfiguration
    public var trunks: [TrunkConfiguration]
    public var media: MediaConfiguration
    public var listening: ListeningSettings
    public var routing: RoutingConfiguration
    public var recognizer: RecognizerConfiguration
    /// Store, outbox and default recording location (default `.data`).
    public var dataDirectory: String
    public var recordings: RecordingConfiguration
    /// Named webhook endpoints, in file order.
    public var webhooks: [WebhookEndpoint]
    public var admin: AdminConfiguration
    /// How long a drain (SIGTERM, `POST /drain`) waits for calls before sending BYE (default 60 s).
    public var drainTimeoutS: Int
    public var logging: LoggingConfiguration
    public var campaigns: CampaignDefaults

    public init(nodeID: String = DaemonConfiguration.defaultNodeID, sip: SIPConfiguration = .init(),
                trunks: [TrunkConfiguration] = [], media: MediaConfiguration = .init(),
                listening: ListeningSettings = .init(), routing: RoutingConfiguration = .init(),
                recognizer: RecognizerConfiguration = .init(), dataDirectory: String = ".data",
                recordings: RecordingConfiguration = .init(), webhooks: [WebhookEndpoint] = [],
                admin: AdminConfiguration = .init(), drainTimeoutS: Int = 60,
                logging: LoggingConfiguration = .init(), campaigns: CampaignDefaults = .init()) {
        self.nodeID = nodeID
        self.sip = sip
        self.trunks = trunks
        self.media = media
        self.listening = listening
        self.routing = routing
        self.recognizer = recognizer
        self.dataDirectory = dataDirectory
        self.recordings = recordings
        self.webhooks = webhooks
        self.admin = admin
        self.drainTimeoutS = drainTimeoutS
        self.logging = logging
        self.campaigns = campaigns
    }

    /// The host name, or `parleyd` when it is empty.
    public static var defaultNodeID: String {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty ? "parleyd" : name
    }

    /// The trunk with this name.
    public func trunk(named name: String) -> TrunkConfiguration? { trunks.first { $0.name == name } }

    /// The webhook endpoint with this name.
    public func webhook(named name: String) -> WebhookEndpoint? { webhooks.first { $0.name == name } }

    /// Recordings go here: `recordings.directory`, or `<data_dir>/recordings`.
    public var recordingsDirectory: String {
        recordings.directory ?? (dataDirectory as NSString).appendingPathComponent("recordings")
    }
}
