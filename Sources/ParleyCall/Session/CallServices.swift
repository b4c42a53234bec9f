import ParleyMedia
import ParleySpeech
import ParleyStore

/// What every call session shares: configuration, the media plane, the recognizer, the
/// store and its webhook outbox, the scripts, metrics and logs. Built once by the daemon.
public final class CallServices: Sendable {
    public let configuration: DaemonConfiguration
    public let media: MediaEngine
    /// nil: calls run without speech recognition (DTMF still works).
    public let recognizer: (any SpeechRecognizer)?
    /// `embedded` or `vosk`, for metrics labels.
    public let recognizerEngine: String
    public let store: CallStore
    public let webhooks: WebhookHub
    public let scripts: ScriptCatalog
    public let metrics: any CallMetricsSink
    public let log: CallLog
    let pump: MediaEventPump

    public init(configuration: DaemonConfiguration, media: MediaEngine, recognizer: (any SpeechRecognizer)?,
                recognizerEngine: String, store: CallStore, webhooks: WebhookHub, scripts: ScriptCatalog,
                metrics: any CallMetricsSink = NoCallMetrics(), log: CallLog = CallLog()) {
        self.configuration = configuration
        self.media = media
        self.recognizer = recognizer
        self.recognizerEngine = recognizerEngine
        self.store = store
        self.webhooks = webhooks
        self.scripts = scripts
        self.metrics = metrics
        self.log = log
        // Events: at once (the media threads raise `eventSignal` after a tick that emitted
        // any). Recognizer audio: once per media tick; a longer period delays it more, a
        // shorter one costs wake-ups for little.
        self.pump = MediaEventPump(periodMs: configuration.media.tickMs, wake: media.eventSignal)
        pump.start()
    }

    /// Stops the media event pump (at shutdown, after the calls ended).
    public func shutdown() {
        pump.stop()
    }
}
