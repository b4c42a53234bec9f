/// Audio file format of call recordings.
public enum RecordingFormat: String, Sendable, Hashable, CaseIterable { case wav, flac }

/// The `recordings` section: stereo call recordings (caller left, bot right).
public struct RecordingConfiguration: Sendable, Equatable {
    /// Default false.
    public var enabled: Bool
    /// Default `<data_dir>/recordings`; absolute after loading.
    public var directory: String?
    /// Default `wav`.
    public var format: RecordingFormat

    public init(enabled: Bool = false, directory: String? = nil, format: RecordingFormat = .wav) {
        self.enabled = enabled
        self.directory = directory
        self.format = format
    }
}
