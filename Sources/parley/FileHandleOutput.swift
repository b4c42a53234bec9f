import Foundation

/// Writes to standard error (diagnostics) without going through `print`.
enum FileHandleOutput {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
