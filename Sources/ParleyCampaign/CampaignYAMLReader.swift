import Foundation
import ParleyYAML

/// Walks a campaign document and collects every problem instead of stopping at the
/// first: each accessor returns nil when a value is absent or wrong, and records a
/// diagnostic at the value's mark. A null value counts as absent.
struct CampaignYAMLReader {
    var diagnostics: [CampaignDiagnostic] = []
    /// Directory relative paths in the file are resolved against ("" = current directory).
    let baseDirectory: String

    init(baseDirectory: String) { self.baseDirectory = baseDirectory }

    mutating func report(_ error: YAMLError) { diagnostics.append(CampaignDiagnostic(error)) }

    mutating func report(_ error: CampaignError, at mark: YAMLMark) {
        diagnostics.append(CampaignDiagnostic(error, at: mark))
    }

    mutating func report(_ code: YAMLError.Code, _ message: String, at mark: YAMLMark) {
        diagnostics.append(CampaignDiagnostic(.yaml(code), message, at: mark))
    }

    /// Reports a type error prefixed with the key's name.
    mutating func report(_ error: YAMLError, key: String) {
        var error = error
        if error.code == .typeMismatch { error.message = "\(key): \(error.message)" }
        report(error)
    }

    /// A mapping read against its allowed keys (unknown keys reported); nil when the
    /// node is absent, null or not a mapping (the last reported).
    mutating func section(_ node: YAMLNode?, keys: [String], context: String) -> YAMLMappingReader? {
        guard let node, !node.isNull else { return nil }
        do throws(YAMLError) {
            let reader = try YAMLMappingReader(node, allowedKeys: keys, context: context)
            for error in reader.unknownKeyErrors { report(error) }
            return reader
        } catch {
            report(error, key: context)
            return nil
        }
    }

    /// The value of `key`, or nil when absent or null.
    func value(_ reader: YAMLMappingReader?, _ key: String) -> YAMLNode? {
        guard let node = reader?[key], !node.isNull else { return nil }
        return node
    }

    /// The value of a required key; a missing one is reported at the mapping.
    mutating func required(_ reader: YAMLMappingReader?, _ key: String, context: String) -> YAMLNode? {
        guard let reader else { return nil }
        if let node = value(reader, key) { return node }
        if let node = reader[key] {
            report(.missingKey, "\(context).\(key) must have a value", at: node.mark)
        } else {
            report(.missingKey, "missing key '\(key)' in \(context)", at: reader.node.mark)
        }
        return nil
    }

    mutating func int(_ node: YAMLNode?, key: String) -> Int? {
        guard let node else { return nil }
        do throws(YAMLError) { return try node.int() } catch {
            report(error, key: key)
            return nil
        }
    }

    mutating func double(_ node: YAMLNode?, key: String) -> Double? {
        guard let node else { return nil }
        do throws(YAMLError) { return try node.double() } catch {
            report(error, key: key)
            return nil
        }
    }

    mutating func bool(_ node: YAMLNode?, key: String) -> Bool? {
        guard let node else { return nil }
        do throws(YAMLError) { return try node.bool() } catch {
            report(error, key: key)
            return nil
        }
    }

    /// A non-empty string.
    mutating func string(_ node: YAMLNode?, key: String) -> String? {
        guard let node else { return nil }
        do throws(YAMLError) {
            let s = try node.string()
            if s.isEmpty {
                report(.invalidValue, "\(key) must not be empty", at: node.mark)
                return nil
            }
            return s
        } catch {
            report(error, key: key)
            return nil
        }
    }

    /// The items of a sequence.
    mutating func sequence(_ node: YAMLNode?, key: String) -> [YAMLNode]? {
        guard let node else { return nil }
        do throws(YAMLError) { return try node.sequence() } catch {
            report(error, key: key)
            return nil
        }
    }

    /// Runs one of the model's checks; its error is reported at `mark`.
    mutating func check<T>(at mark: YAMLMark, _ body: () throws(CampaignError) -> T) -> T? {
        do throws(CampaignError) { return try body() } catch {
            report(error, at: mark)
            return nil
        }
    }

    /// A path written in the file, resolved against the file's directory.
    func resolve(_ path: String) -> String {
        CampaignYAMLReader.resolve(path, against: baseDirectory)
    }

    /// Joins `path` to `base` unless it is absolute, then removes `.` and `dir/..`
    /// components lexically (no file system access, so relative stays relative).
    static func resolve(_ path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") || base.isEmpty ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        let body = parts.joined(separator: "/")
        if joined.hasPrefix("/") { return "/" + body }
        return body.isEmpty ? "." : body
    }

    /// The directory part of a file path ("" when it has none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}
