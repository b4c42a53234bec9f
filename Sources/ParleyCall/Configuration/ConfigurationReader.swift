import Foundation
import ParleyRealtime
import ParleyYAML

/// Walks a configuration document and collects every problem instead of stopping at the
/// first: each accessor returns the default (or nil) when a value is wrong and records a
/// diagnostic at the value's mark. Null values mean "use the default".
struct ConfigurationReader {
    var diagnostics: [ConfigurationDiagnostic] = []
    /// Directory relative paths in the file are resolved against (absolute).
    let baseDirectory: String
    let environment: [String: String]
    /// Dotted name of each mapping read with `section`, by the mapping's mark (for messages).
    private var contexts: [YAMLMark: String] = [:]
    /// Line 1, column 1 of the source: where problems with unwritten defaults are reported.
    let origin: YAMLMark

    init(baseDirectory: String, environment: [String: String], origin: YAMLMark) {
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.origin = origin
    }

    mutating func report(_ code: ConfigurationDiagnostic.Code, _ message: String, at mark: YAMLMark) {
        diagnostics.append(ConfigurationDiagnostic(code, message, at: mark))
    }

    mutating func report(_ error: YAMLError) {
        diagnostics.append(ConfigurationDiagnostic(error))
    }

    /// A mapping read against its allowed keys (unknown keys reported); nil when the
    /// node is null or not a mapping (the latter reported).
    mutating func section(_ node: YAMLNode?, keys: [String], context: String) -> YAMLMappingReader? {
        guard let node, !node.isNull else { return nil }
        do throws(YAMLError) {
            let reader = try YAMLMappingReader(node, allowedKeys: keys, context: context)
            if context != "the configuration" { contexts[node.mark] = context }
            for error in reader.unknownKeyErrors { report(error) }
            return reader
        } catch {
            report(error, option: context == "the configuration" ? "the configuration" : context)
            return nil
        }
    }

    /// `section.key` for messages (`key` alone at the top level).
    func qualified(_ reader: YAMLMappingReader?, _ key: String) -> String {
        guard let reader, let context = contexts[reader.node.mark] else { return key }
        return "\(context).\(key)"
    }

    /// Reports a type error prefixed with the option's name.
    mutating func report(_ error: YAMLError, option: String) {
        var error = error
        if error.code == .typeMismatch { error.message = "\(option): \(error.message)" }
        report(error)
    }

    /// The value of `key`, or nil when absent or null.
    func value(_ reader: YAMLMappingReader?, _ key: String) -> YAMLNode? {
        guard let node = reader?[key], !node.isNull else { return nil }
        return node
    }

    mutating func int(_ reader: YAMLMappingReader?, _ key: String, default fallback: Int,
                      in range: ClosedRange<Int>) -> Int {
        number(reader, key, default: fallback, in: range) { node throws(YAMLError) in try node.int() }
    }

    mutating func double(_ reader: YAMLMappingReader?, _ key: String, default fallback: Double,
                         in range: ClosedRange<Double>) -> Double {
        number(reader, key, default: fallback, in: range) { node throws(YAMLError) in try node.double() }
    }

    /// A number within `range`; out of range or of the wrong type is reported at the value.
    mutating func number<T: Comparable>(_ reader: YAMLMappingReader?, _ key: String, default fallback: T,
                                        in range: ClosedRange<T>,
                                        _ parse: (YAMLNode) throws(YAMLError) -> T) -> T {
        guard let node = value(reader, key) else { return fallback }
        do throws(YAMLError) {
            let v = try parse(node)
            guard range.contains(v) else {
                report(.invalidValue, "\(qualified(reader, key)) must be from \(range.lowerBound) to \(range.upperBound), found \(v)",
                       at: node.mark)
                return fallback
            }
            return v
        } catch {
            report(error, option: qualified(reader, key))
            return fallback
        }
    }

    mutating func bool(_ reader: YAMLMappingReader?, _ key: String, default fallback: Bool) -> Bool {
        guard let node = value(reader, key) else { return fallback }
        do throws(YAMLError) { return try node.bool() } catch {
            report(error, option: qualified(reader, key))
            return fallback
        }
    }

    /// A non-empty string.
    mutating func string(_ reader: YAMLMappingReader?, _ key: String) -> String? {
        guard let node = value(reader, key) else { return nil }
        return string(node, what: qualified(reader, key))
    }

    mutating func string(_ node: YAMLNode, what: String) -> String? {
        do throws(YAMLError) {
            let s = try node.string()
            if s.isEmpty {
                report(.invalidValue, "\(what) must not be empty", at: node.mark)
                return nil
            }
            return s
        } catch {
            report(error, option: what)
            return nil
        }
    }

    /// One of an enum's raw values.
    mutating func choice<E: RawRepresentable & CaseIterable>(
        _ reader: YAMLMappingReader?, _ key: String, default fallback: E
    ) -> E where E.RawValue == String {
        guard let node = value(reader, key) else { return fallback }
        guard let text = string(node, what: qualified(reader, key)) else { return fallback }
        if let v = E(rawValue: text) { return v }
        let names = E.allCases.map { $0.rawValue }
        report(.invalidValue, "\(qualified(reader, key)) must be one of \(names.joined(separator: ", ")), found '\(text)'", at: node.mark)
        return fallback
    }

    /// `HOST:PORT` or `[V6]:PORT` with a numeric host.
    mutating func address(_ node: YAMLNode, what: String) -> SocketAddress? {
        guard let text = string(node, what: what) else { return nil }
        if let address = SocketAddress(parsing: text) { return address }
        report(.invalidAddress, ConfigurationReader.addressMessage(what: what, text: text), at: node.mark)
        return nil
    }

    mutating func address(_ reader: YAMLMappingReader?, _ key: String) -> SocketAddress? {
        guard let node = value(reader, key) else { return nil }
        return address(node, what: qualified(reader, key))
    }

    static func addressMessage(what: String, text: String) -> String {
        "invalid \(what) '\(text)': expected HOST:PORT with a numeric IPv4 host or a bracketed IPv6 host"
    }

    /// A numeric IPv4 or IPv6 host without a port.
    mutating func host(_ reader: YAMLMappingReader?, _ key: String, default fallback: String) -> String {
        guard let node = value(reader, key), let text = string(node, what: qualified(reader, key)) else {
            return fallback
        }
        guard let address = SocketAddress(host: text, port: 0) else {
            report(.invalidAddress, "invalid \(qualified(reader, key)) '\(text)': expected a numeric IPv4 or IPv6 address", at: node.mark)
            return fallback
        }
        return address.host
    }

    /// A path, made absolute against the file's directory.
    mutating func path(_ reader: YAMLMappingReader?, _ key: String) -> String? {
        guard let node = value(reader, key), let text = string(node, what: qualified(reader, key)) else { return nil }
        return resolve(text)
    }

    func resolve(_ path: String) -> String {
        ConfigurationReader.resolve(path, against: baseDirectory)
    }

    static func resolve(_ path: String, against base: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded)
            : URL(fileURLWithPath: base, isDirectory: true).appendingPathComponent(expanded)
        return url.standardizedFileURL.path
    }

    /// A secret written inline (`key`) or named by an environment variable (`envKey`);
    /// both at once is an error. Returns the value and the variable's name.
    mutating func secret(_ reader: YAMLMappingReader?, _ key: String, envKey: String) -> (String?, String?) {
        let inline = string(reader, key)
        guard let envNode = value(reader, envKey), let name = string(envNode, what: envKey) else {
            return (inline, nil)
        }
        if inline != nil {
            let mark = reader?.keyMark(envKey) ?? envNode.mark
            report(.conflictingKeys, "write either \(key) or \(envKey), not both", at: mark)
            return (inline, nil)
        }
        guard let secret = environment[name] else {
            report(.missingEnvironmentVariable, "environment variable '\(name)' (\(envKey)) is not set", at: envNode.mark)
            return (nil, name)
        }
        return (secret, name)
    }

    /// The items of a sequence (a single scalar counts as a one-item list).
    mutating func list(_ reader: YAMLMappingReader?, _ key: String) -> [YAMLNode]? {
        guard let node = value(reader, key) else { return nil }
        if case .scalar = node.content { return [node] }
        do throws(YAMLError) { return try node.sequence() } catch {
            report(error, option: qualified(reader, key))
            return nil
        }
    }
}
