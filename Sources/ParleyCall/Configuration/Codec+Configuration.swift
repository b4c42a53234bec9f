import ParleyCodecs

extension Codec {
    /// The codec's name in the configuration file: `pcmu`, `pcma`, `opus`.
    public var configName: String {
        switch self {
        case .pcmu: "pcmu"
        case .pcma: "pcma"
        case .opus: "opus"
        }
    }
}
