/// Which part of an inbound INVITE a routing rule looks at.
public enum RoutingField: Sendable, Hashable {
    /// The Request-URI user part (the called number).
    case called
    /// The To header's URI user part.
    case toUser
    /// A header's value (name matched case-insensitively).
    case header(String)
}

/// How a rule compares the field: exactly, or by a regular expression (unanchored
/// unless the pattern anchors itself).
public enum RoutingMatch: Sendable, Hashable {
    case exact(String)
    case regex(String)
}

/// One routing rule: first match wins.
public struct RoutingRule: Sendable, Hashable {
    public var field: RoutingField
    public var match: RoutingMatch
    /// Absolute path of the dialogue script (resolved against the config file's directory).
    public var script: String

    public init(field: RoutingField, match: RoutingMatch, script: String) {
        self.field = field
        self.match = match
        self.script = script
    }
}

/// The `routing` and `scripts` sections.
public struct RoutingConfiguration: Sendable, Equatable {
    public var rules: [RoutingRule]
    /// Script for calls no rule matches (default `examples/demo/member-care.yaml`,
    /// resolved like every relative path); nil rejects them with 404.
    public var defaultScript: String?
    /// Directory scanned for scripts at start and on reload; nil loads only the scripts
    /// named by rules and the default.
    public var scriptsDirectory: String?
    /// Reload scripts when their files change (SIGHUP and `POST /scripts/reload` always
    /// reload). Default false.
    public var hotReload: Bool

    public init(rules: [RoutingRule] = [], defaultScript: String? = "examples/demo/member-care.yaml",
                scriptsDirectory: String? = nil, hotReload: Bool = false) {
        self.rules = rules
        self.defaultScript = defaultScript
        self.scriptsDirectory = scriptsDirectory
        self.hotReload = hotReload
    }

    /// Every script path the routing refers to, rules first, without repeats.
    public var scriptPaths: [String] {
        var seen: Set<String> = []
        var out: [String] = []
        for path in rules.map(\.script) + [defaultScript].compactMap({ $0 }) where seen.insert(path).inserted {
            out.append(path)
        }
        return out
    }
}
