/// Command-line values applied on top of the file (`--sip-listen`, `--admin-listen`,
/// `--data-dir`). Text as typed; the loader checks it and reports problems by option.
public struct ConfigurationOverrides: Sendable, Equatable {
    /// `HOST:PORT`: replaces every `sip.listen` entry with one address (UDP and TCP).
    public var sipListen: String?
    /// `HOST:PORT`: replaces `admin.listen`.
    public var adminListen: String?
    /// Replaces `data_dir`; relative to the working directory.
    public var dataDirectory: String?

    public init(sipListen: String? = nil, adminListen: String? = nil, dataDirectory: String? = nil) {
        self.sipListen = sipListen
        self.adminListen = adminListen
        self.dataDirectory = dataDirectory
    }

    public var isEmpty: Bool { sipListen == nil && adminListen == nil && dataDirectory == nil }
}
