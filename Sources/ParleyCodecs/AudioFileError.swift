/// Why an audio file could not be read or written. Always names the file, so an operator
/// can tell which prompt recording of a script is at fault.
public struct AudioFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// No file at the path.
        case missing
        /// The file exists but cannot be opened (permissions, a directory, an I/O error).
        case unreadable
        /// Zero bytes, or a valid header with no audio frames.
        case empty
        /// The audio stops before the length its header announces.
        case truncated
        /// A recognised container whose header or data is damaged.
        case corrupt
        /// Not a container/encoding libsndfile reads, or a shape Parley does not accept
        /// (channel count or sample rate out of range).
        case unsupportedFormat
        /// Writing the file failed.
        case writeFailed
    }

    public var code: Code
    /// The file concerned, as given by the caller.
    public var path: String
    /// What libsndfile or Parley found, in words.
    public var detail: String

    public init(_ code: Code, path: String, detail: String) {
        self.code = code
        self.path = path
        self.detail = detail
    }

    public var description: String {
        let what = switch code {
        case .missing: "file not found"
        case .unreadable: "cannot open"
        case .empty: "no audio in file"
        case .truncated: "file is truncated"
        case .corrupt: "file is corrupt"
        case .unsupportedFormat: "unsupported audio format"
        case .writeFailed: "cannot write"
        }
        return "\(path): \(what) (\(detail))"
    }
}
