/// 10 ms of cleaned caller audio (mono Int16 at the channel's pipeline rate, up to
/// 16 kHz) for the recognizer, as `RecognizerAudioRing` hands it to the control plane.
public struct RecognizerFrame: Sendable, BitwiseCopyable {
    public static let maxSamples = 160
    public var samples: InlineArray<160, Int16>
    /// Valid samples (80 at 8 kHz, 160 at 16 kHz).
    public var sampleCount: Int32
    /// Channel media time of the frame's first sample, in samples at the pipeline rate.
    public var sampleTime: Int64
    /// Every sample is zero (digital silence): a consumer may skip reading them.
    public var isSilent: Bool

    public init() {
        samples = InlineArray(repeating: 0)
        sampleCount = 0
        sampleTime = 0
        isSilent = false
    }

    /// The valid samples as an array (control plane; allocates).
    public var array: [Int16] {
        var out = [Int16]()
        out.reserveCapacity(Int(sampleCount))
        for i in 0..<Int(sampleCount) { out.append(samples[i]) }
        return out
    }
}
