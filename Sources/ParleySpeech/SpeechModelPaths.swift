import Foundation

/// Where the pocketsphinx model files live.
public struct SpeechModelPaths: Sendable, Hashable {
    public var acousticModel: String
    public var dictionary: String
    public var languageModel: String

    public init(acousticModel: String, dictionary: String, languageModel: String) {
        self.acousticModel = acousticModel
        self.dictionary = dictionary
        self.languageModel = languageModel
    }

    /// Debian's pocketsphinx-en-us package.
    public static let debianEnglish = SpeechModelPaths(
        acousticModel: "/usr/share/pocketsphinx/model/en-us/en-us",
        dictionary: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
        languageModel: "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin")

    /// Fails with a clear error when a file is missing.
    public func validate() throws(SpeechError) {
        for path in [acousticModel, dictionary, languageModel] where !FileManager.default.fileExists(atPath: path) {
            throw SpeechError(.engineUnavailable, "missing model file \(path) (apt-get install pocketsphinx-en-us)")
        }
    }
}
