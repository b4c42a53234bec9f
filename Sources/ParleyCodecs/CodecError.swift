/// A codec or resampler failure. Carries no heap-allocated context so it can be thrown
/// (typed throws) on the per-packet path without allocating; `libraryStatus` keeps the
/// C library's own error number (libopus `OPUS_*`, speexdsp `RESAMPLER_ERR_*`) for logs.
public struct CodecError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// A sample rate the codec or resampler does not support.
        case unsupportedSampleRate
        /// A frame duration, bitrate, complexity or quality outside the allowed range.
        case invalidConfiguration
        /// The input does not hold exactly one frame of samples.
        case wrongFrameSize
        /// The caller's output buffer cannot hold the result.
        case outputTooSmall
        /// The packet is empty or not a valid packet of this codec.
        case invalidPacket
        /// The C library failed to create its state (out of memory or rejected arguments).
        case allocationFailed
        /// Any other failure reported by the C library.
        case libraryFailure
        /// The operation does not exist for this codec (for example FEC decode for G.711).
        case unsupportedOperation
    }

    public var code: Code
    /// The C library's status value, 0 when the error was detected in Swift.
    public var libraryStatus: Int32

    public init(_ code: Code, libraryStatus: Int32 = 0) {
        self.code = code
        self.libraryStatus = libraryStatus
    }

    public var description: String {
        libraryStatus == 0 ? "codec error: \(code)" : "codec error: \(code) (library status \(libraryStatus))"
    }
}
