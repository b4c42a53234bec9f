extension EchoCanceller {
    /// Largest sample magnitude of a frame taken for digital silence: the smallest step of
    /// G.711 (μ-law and A-law both decode their quietest codes to within ±8).
    static let silencePeak: Int16 = 8

    func isDigitalSilence(_ capture: borrowing [Int16]) -> Bool {
        let source = capture.span
        var loudest: Int16 = 0
        for i in 0..<format.frameSamples {
            let v = source[i]
            loudest = max(loudest, v == .min ? .max : abs(v))
        }
        return loudest <= Self.silencePeak
    }

    /// A frame of digital silence: no echo reached the caller's side (an echoing line is
    /// never this quiet while the prompt plays) and there is no caller to hear, so neither
    /// APM runs; its output is the frame itself and it carries no voice. A caller on a line
    /// without echo or noise sends this most of the call, and the APM was most of such a
    /// call's listening cost (`parley bench audio`, row `8k_playing_quiet_line_aec`).
    ///
    /// The canceller first runs `startupFrames` frames whatever they hold: skipped through
    /// its startup, it left echo that appeared later at −60 dBFS instead of −90. After that
    /// the APM is not told of the frames it missed: fed them afterwards with their silent
    /// capture, it cancelled echo that appeared after the silence less well in its first
    /// 250 ms (−47 against −60 dBFS left), and the same after that (`DigitalSilenceTests`).
    func skipFrame(capture: borrowing [Int16], captureIsZero: Bool) {
        let n = format.frameSamples
        let source = capture.span
        // Zeros again (a line of digital silence): the output already holds them, and their
        // energy sums to +0.
        let energy: Float = captureIsZero && passedThroughIsZero ? 0 : withMutableSpan(&passedThrough) { out in
            var energy: Float = 0
            for i in 0..<n {
                out[i] = source[i]
                energy += Float(source[i]) * Float(source[i])
            }
            return energy
        }
        passedThroughIsZero = captureIsZero
        linearResidualEnergy = energy / Float(n)
        skippedMeanSquare = linearResidualEnergy
        lowBandResidualEnergy = linearResidualEnergy
        skippedLastFrame = true
        skippedFrameCount += 1
    }
}
