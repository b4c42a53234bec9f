extension EchoCanceller {
    /// Largest sample magnitude of a frame taken for digital silence: the smallest step of
    /// G.711 (μ-law and A-law both decode their quietest codes to within ±8).
    static let silencePeak: Int16 = 8

    func isDigitalSilence(_ capture: borrowing [Int16]) -> Bool {
        for i in 0..<format.frameSamples where capture[i] > Self.silencePeak || capture[i] < -Self.silencePeak {
            return false
        }
        return true
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
    func skipFrame(capture: borrowing [Int16]) {
        var energy: Float = 0
        for i in 0..<format.frameSamples {
            passedThrough[i] = capture[i]
            energy += Float(capture[i]) * Float(capture[i])
        }
        linearResidualEnergy = energy / Float(format.frameSamples)
        lowBandResidualEnergy = linearResidualEnergy
        skippedLastFrame = true
        skippedFrameCount += 1
    }
}
