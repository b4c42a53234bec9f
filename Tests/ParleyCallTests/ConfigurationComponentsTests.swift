import ParleyAudio
import ParleyCall
import ParleyRTP
import ParleySpeech
import Testing

@Suite struct ConfigurationComponentsTests {
    @Test func lowerLayerSettingsFollowTheFile() throws {
        let c = try ConfigurationFixtures.loader.load(path: ConfigurationFixtures.path("good/full.yaml"))
        #expect(c.echoCancellerConfiguration.mode == .aecm)
        #expect(!c.echoCancellerConfiguration.noiseSuppression)
        #expect(c.echoCancellerConfiguration.gainControl)
        let endpointer = c.endpointerConfiguration
        #expect((endpointer.silenceMs, endpointer.incompleteSilenceMs, endpointer.digitSilenceMs) == (300, 900, 2500))
        let jitter = c.jitterBufferConfiguration(clockRate: 48000)
        #expect((jitter.clockRate, jitter.frameMs, jitter.minDepthMs, jitter.maxDepthMs) == (48000, 30, 30, 400))
        #expect(c.rtpPortRange == 30000...30079)
        let embedded = c.embeddedRecognizerConfiguration
        #expect((embedded.maximumGrammarDecoders, embedded.maximumLanguageModelDecoders) == (4, 1))
        #expect((embedded.prewarmGrammarDecoders, embedded.workerThreads) == (0, 3))
        #expect(embedded.phoneLoopRejectionPerFrame == nil, "phone_loop: false")
        #expect(embedded.compoundSecondPassMaximumMs == 5000)
        #expect(DaemonConfiguration().embeddedRecognizerConfiguration.compoundSecondPassMaximumMs == 8000)
        #expect(DaemonConfiguration().embeddedRecognizerConfiguration.phoneLoopRejectionPerFrame != nil, "on by default")
        let vosk = try #require(c.voskRecognizerConfiguration)
        #expect((vosk.url, vosk.connectTimeoutMs, vosk.responseTimeoutMs) == ("ws://127.0.0.1:2700", 500, 1500))
        #expect(DaemonConfiguration().voskRecognizerConfiguration == nil)
    }

    @Test func aSecureVoskURLAndItsCAFileAreAccepted() throws {
        let caFile = ConfigurationFixtures.repositoryRoot + "/examples/demo/member-care.yaml" // any readable file
        let yaml = "recognizer: {engine: vosk, vosk: {url: \"wss://127.0.0.1:2700\", ca_file: \"\(caFile)\"}}\n"
            + "routing: {default_script: member-care.yaml}\n"
        let c = try ConfigurationFixtures.loader.load(yaml: yaml, path: "v.yaml",
                                                      baseDirectory: ConfigurationFixtures.repositoryRoot + "/examples/demo")
        let vosk = try #require(c.voskRecognizerConfiguration)
        #expect((vosk.url, vosk.caFile) == ("wss://127.0.0.1:2700", caFile))
    }

    @Test func otherVoskURLSchemesAndMissingCAFilesAreRefused() {
        let yaml = "recognizer: {engine: vosk, vosk: {url: \"http://127.0.0.1:2700\", ca_file: no-such-ca.pem}}\n"
            + "routing: {default_script: member-care.yaml}\n"
        let demo = ConfigurationFixtures.repositoryRoot + "/examples/demo"
        #expect(throws: ConfigurationError([
            ConfigurationDiagnostic(.invalidValue,
                                    "invalid recognizer.vosk.url 'http://127.0.0.1:2700': expected ws://HOST:PORT or wss://HOST:PORT",
                                    at: .init(path: "v.yaml", line: 1, column: 40)),
            ConfigurationDiagnostic(.invalidValue, "recognizer.vosk.ca_file not readable: \(demo)/no-such-ca.pem",
                                    at: .init(path: "v.yaml", line: 1, column: 74)),
        ])) {
            try ConfigurationFixtures.loader.load(yaml: yaml, path: "v.yaml", baseDirectory: demo)
        }
    }
}
