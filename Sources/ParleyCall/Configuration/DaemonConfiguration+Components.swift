import ParleyAudio
import ParleyRTP
import ParleySpeech

/// The lower layers' own configuration values, built from the daemon's.
extension DaemonConfiguration {
    /// The echo canceller settings for a call's listening pipeline (other pipeline
    /// settings keep their tuned defaults).
    public var echoCancellerConfiguration: EchoCanceller.Configuration {
        let mode: EchoCanceller.Mode = switch listening.echoCancellation {
        case .aec: .aec
        case .aecm: .aecm
        case .off: .off
        }
        return EchoCanceller.Configuration(mode: mode, noiseSuppression: listening.noiseSuppression,
                                           gainControl: listening.gainControl)
    }

    /// End-of-turn silences (`listening`); once the recognizer's final result is in, the
    /// turn ends after at most 300 ms of silence.
    public var endpointerConfiguration: Endpointer.Configuration {
        Endpointer.Configuration(silenceMs: listening.endOfTurnMs, incompleteSilenceMs: listening.incompleteEndOfTurnMs,
                                 digitSilenceMs: listening.digitEndOfTurnMs, afterFinalSilenceMs: 300)
    }

    /// A call's jitter buffer for a codec's RTP clock rate.
    public func jitterBufferConfiguration(clockRate: Int) -> JitterBufferConfiguration {
        JitterBufferConfiguration(clockRate: clockRate, frameMs: media.ptimeMs, minDepthMs: media.jitterMinMs,
                                  maxDepthMs: media.jitterMaxMs)
    }

    /// The RTP port range (even start, inclusive end).
    public var rtpPortRange: ClosedRange<UInt16> {
        UInt16(clamping: media.rtpPortStart)...UInt16(clamping: media.rtpPortEnd)
    }

    /// The embedded (pocketsphinx) engine's pool settings.
    public var embeddedRecognizerConfiguration: EmbeddedRecognizer.Configuration {
        var configuration = EmbeddedRecognizer.Configuration(maximumGrammarDecoders: recognizer.grammarDecoders,
                                         maximumLanguageModelDecoders: recognizer.lmDecoders,
                                         prewarmGrammarDecoders: recognizer.prewarmDecoders,
                                         workerThreads: recognizer.workerThreads,
                                         phoneLoopRejectionPerFrame: recognizer.phoneLoop
                                             ? EmbeddedRecognizer.Configuration().phoneLoopRejectionPerFrame : nil)
        configuration.compoundSecondPassMaximumMs = recognizer.secondPassMs
        return configuration
    }

    /// The Vosk engine's settings, when a URL is configured.
    public var voskRecognizerConfiguration: VoskRecognizer.Configuration? {
        recognizer.voskURL.map {
            VoskRecognizer.Configuration(url: $0, connectTimeoutMs: recognizer.voskConnectTimeoutMs,
                                         responseTimeoutMs: recognizer.voskResponseTimeoutMs,
                                         caFile: recognizer.voskCAFile)
        }
    }
}
