/// The pipeline's frame format: mono Int16 PCM, 10 ms frames at 8 or 16 kHz.
public struct AudioFormat: Sendable, Equatable {
    public let sampleRate: Int
    public var frameSamples: Int { sampleRate / 100 }
    public static let frameMs = 10

    public static let narrowband = AudioFormat(validated: 8000)
    public static let wideband = AudioFormat(validated: 16000)

    public init(sampleRate: Int) throws(AudioError) {
        guard sampleRate == 8000 || sampleRate == 16000 else {
            throw AudioError(.unsupportedFormat, "sample rate \(sampleRate) Hz (8000 or 16000 supported)")
        }
        self.sampleRate = sampleRate
    }

    private init(validated sampleRate: Int) { self.sampleRate = sampleRate }

    /// Milliseconds for a sample count at this rate.
    @inline(__always) public func ms(samples: Int64) -> Int { Int(samples * 1000 / Int64(sampleRate)) }
    @inline(__always) public func samples(ms: Int) -> Int { ms * sampleRate / 1000 }
}
