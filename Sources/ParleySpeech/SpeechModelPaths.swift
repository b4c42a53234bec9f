import Foundation

/// Where the pocketsphinx model files live.
public struct SpeechModelPaths: Sendable, Hashable {
    public var acousticModel: String
    public var dictionary: String
    public var languageModel: String
    /// The phone language model of the phone loop that checks grammar results (nil: none).
    public var phoneLanguageModel: String?

    public init(acousticModel: String, dictionary: String, languageModel: String, phoneLanguageModel: String? = nil) {
        self.acousticModel = acousticModel
        self.dictionary = dictionary
        self.languageModel = languageModel
        self.phoneLanguageModel = phoneLanguageModel
    }

    /// Debian's pocketsphinx-en-us package.
    public static let debianEnglish = SpeechModelPaths(
        acousticModel: "/usr/share/pocketsphinx/model/en-us/en-us",
        dictionary: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
        languageModel: "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin",
        phoneLanguageModel: "/usr/share/pocketsphinx/model/en-us/en-us-phone.lm.bin")

    /// Fails with a clear error when a file is missing.
    public func validate() throws(SpeechError) {
        for path in [acousticModel, dictionary, languageModel] + [phoneLanguageModel].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: path) {
            throw SpeechError(.engineUnavailable, "missing model file \(path) (apt-get install pocketsphinx-en-us)")
        }
    }
}
