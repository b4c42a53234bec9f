/// Doubles the sample rate (8 kHz telephony → 16 kHz for the en-us acoustic model) by
/// linear interpolation, keeping one sample of state across calls.
/// A stand-in until ParleyCodecs' resampler is available; swap it in at
/// `EmbeddedRecognizer`'s and `VoskRecognizer`'s `prepare` step.
struct Upsampler2x: Sendable {
    private var previous: Int16 = 0

    init() {}

    mutating func reset() { previous = 0 }

    /// Writes `2 * count` samples into `output` (which must hold them) from `input[0..<count]`.
    mutating func process(_ input: [Int16], count: Int, into output: inout [Int16]) {
        var last = Int32(previous)
        for index in 0..<count {
            let current = Int32(input[index])
            output[2 * index] = Int16((last + current) >> 1)
            output[2 * index + 1] = Int16(current)
            last = current
        }
        if count > 0 { previous = input[count - 1] }
    }
}
