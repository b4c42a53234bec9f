/// The `recognizer` section: which speech engine listens to callers.
public struct RecognizerConfiguration: Sendable, Equatable {
    public enum Engine: String, Sendable, Hashable, CaseIterable {
        /// pocketsphinx in process (Debian en-us model).
        case embedded
        /// A Vosk server over WebSocket.
        case vosk
    }

    /// Decoding mode the embedded engine uses unless a script asks otherwise.
    public enum EmbeddedMode: String, Sendable, Hashable, CaseIterable {
        /// JSGF grammar from the script's phrases (fast, accurate on scripted answers).
        case grammar
        /// Statistical language model (large vocabulary; slow).
        case lm
    }

    /// Default `embedded`.
    public var engine: Engine
    /// Default `grammar`.
    public var embeddedMode: EmbeddedMode
    /// Most grammar decoders (~56 MB each with the phone loop, ~27 MB without), default 8.
    public var grammarDecoders: Int
    /// Most LM decoders (~90 MB each), default 2; 0 disables LM mode.
    public var lmDecoders: Int
    /// Grammar decoders loaded at start, default 1.
    public var prewarmDecoders: Int
    /// Threads running decoders, default 2.
    public var workerThreads: Int
    /// Grammar results checked against a phone loop (out-of-grammar speech rejected), default
    /// true; about doubles the decoding cost and a decoder's memory.
    public var phoneLoop: Bool
    /// A grammar result rejected, up to this long, is decoded again with a compound grammar
    /// (an optional lead word, one or two phrases of one intent: "sorry, I'm driving, call me
    /// later"), default 8000; 0 turns it off. Needs the phone loop.
    public var secondPassMs: Int
    /// Vosk server URL (`ws://HOST:PORT`, or `wss://HOST:PORT` for TLS); required when the
    /// engine is `vosk`.
    public var voskURL: String?
    /// PEM file of the CAs trusted for `wss://` (a private CA); nil trusts the system CA store.
    public var voskCAFile: String?
    /// Default 2000 ms.
    public var voskConnectTimeoutMs: Int
    /// Default 3000 ms.
    public var voskResponseTimeoutMs: Int

    public init(engine: Engine = .embedded, embeddedMode: EmbeddedMode = .grammar, grammarDecoders: Int = 8,
                lmDecoders: Int = 2, prewarmDecoders: Int = 1, workerThreads: Int = 2, voskURL: String? = nil,
                voskConnectTimeoutMs: Int = 2000, voskResponseTimeoutMs: Int = 3000, voskCAFile: String? = nil,
                phoneLoop: Bool = true, secondPassMs: Int = 8000) {
        self.phoneLoop = phoneLoop
        self.secondPassMs = secondPassMs
        self.engine = engine
        self.embeddedMode = embeddedMode
        self.grammarDecoders = grammarDecoders
        self.lmDecoders = lmDecoders
        self.prewarmDecoders = prewarmDecoders
        self.workerThreads = workerThreads
        self.voskURL = voskURL
        self.voskConnectTimeoutMs = voskConnectTimeoutMs
        self.voskResponseTimeoutMs = voskResponseTimeoutMs
        self.voskCAFile = voskCAFile
    }
}
