import ParleyRealtime

/// Source admission from the trunks' allowlists (`sip.unlisted_sources` says what to do
/// with a source that is refused).
extension DaemonConfiguration {
    /// True when some trunk has an allowlist (then only listed sources are served).
    public var hasAllowlist: Bool { trunks.contains { !$0.allow.isEmpty } }

    /// The first trunk whose allowlist holds `source` (port ignored).
    public func trunk(allowing source: SocketAddress) -> TrunkConfiguration? {
        trunks.first { trunk in trunk.allow.contains { $0.contains(source) } }
    }

    /// Whether requests from `source` are served: any source when no trunk has an
    /// allowlist, otherwise only sources some trunk allows.
    public func admits(_ source: SocketAddress) -> Bool {
        !hasAllowlist || trunk(allowing: source) != nil
    }
}
