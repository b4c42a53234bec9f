/// Everything a call's listening pipeline is configured with (from the daemon's config and
/// the dialogue script), with defaults tuned on the labelled test set.
public struct ListeningConfiguration: Sendable, Equatable {
    public var echo: EchoCanceller.Configuration
    public var frameClassifier: SpeechFrameClassifier.Configuration
    public var voiceActivity: VoiceActivityDetector.Configuration
    public var bargeIn: BargeInController.Configuration
    public var endpointer: Endpointer.Configuration
    /// nil: no in-band DTMF detection.
    public var dtmf: DTMFToneDetector.Configuration?

    public init(echo: EchoCanceller.Configuration = .init(),
                frameClassifier: SpeechFrameClassifier.Configuration = .init(),
                voiceActivity: VoiceActivityDetector.Configuration = .init(),
                bargeIn: BargeInController.Configuration = .init(),
                endpointer: Endpointer.Configuration = .init(),
                dtmf: DTMFToneDetector.Configuration? = .init()) {
        self.echo = echo
        self.frameClassifier = frameClassifier
        self.voiceActivity = voiceActivity
        self.bargeIn = bargeIn
        self.endpointer = endpointer
        self.dtmf = dtmf
    }
}
