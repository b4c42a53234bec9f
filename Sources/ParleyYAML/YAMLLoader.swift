import Foundation

/// Loads one YAML document into a tree of `YAMLNode`s with marks.
///
/// Rules: exactly one document (an empty stream is a null scalar); mapping keys are
/// scalars and unique; anchors and aliases are supported, an alias is a copy of the
/// anchored node (so its marks point at the anchor), and expansion is capped so
/// "billion laughs" inputs fail cleanly; nesting deeper than `maxDepth` is an error.
public enum YAMLLoader {
    /// Deepest nesting accepted.
    public static let maxDepth = 256
    /// Most nodes a document may hold once aliases are expanded.
    public static let maxNodeCount = 1_000_000

    /// Reads and parses the file at `path`; marks carry `path` as written.
    public static func load(path: String) throws(YAMLError) -> YAMLNode {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw YAMLError(.unreadableFile, "cannot read file", at: YAMLMark(path: path, line: 1, column: 1))
        }
        return try parse(bytes: [UInt8](data), path: path)
    }

    /// Parses YAML text; `path` names the source in marks.
    public static func parse(_ text: String, path: String = "<string>") throws(YAMLError) -> YAMLNode {
        try parse(bytes: Array(text.utf8), path: path)
    }

    /// Parses UTF-8 (or UTF-16 with a BOM) bytes.
    public static func parse(bytes: [UInt8], path: String) throws(YAMLError) -> YAMLNode {
        var builder = YAMLTreeBuilder(path: path)
        try YAMLEventReader.read(bytes: bytes, path: path) { (event: YAMLEvent) throws(YAMLError) in
            try builder.consume(event)
        }
        return builder.finish()
    }
}
