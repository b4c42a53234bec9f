// Safety invariants (unsafe code in this file only):
// - `handle` is created in `init` and destroyed exactly once in `deinit`; it is never shared,
//   so each `AudioProcessing` owns one webrtc APM instance for its whole life.
// - Every C call receives a pointer obtained from `withUnsafe(Mutable)BufferPointer` on an
//   `[Int16]` owned by this object, valid for the duration of the call only, and a sample
//   count equal to that buffer's count (the shim rejects counts other than 10 ms).
// - The C functions never retain the pointers they are given.
// - The type is not Sendable: one thread (the call's media thread) uses it at a time.
import CParleyAPM

/// One webrtc-audio-processing instance (AEC or AECM, noise suppression, optional AGC,
/// voice flag) over 10 ms mono Int16 frames. Setup allocates; `processReverse` and
/// `processCapture` do not.
final class AudioProcessing {
    enum EchoMode: Sendable { case off, aec, aecm }

    private let handle: OpaquePointer
    let frameSamples: Int
    /// The frame the APM works on; callers copy in and read back.
    var frame: [Int16]
    private var reverse: [Int16]

    init(sampleRate: Int, echo: EchoMode, noiseSuppression: Bool, gainControl: Bool,
         voiceDetection: Bool, delayAgnostic: Bool, extendedFilter: Bool) throws(AudioError) {
        var config = parley_apm_config()
        config.sample_rate_hz = Int32(sampleRate)
        switch echo {
        case .off: config.echo = PARLEY_APM_ECHO_OFF
        case .aec: config.echo = PARLEY_APM_ECHO_AEC
        case .aecm: config.echo = PARLEY_APM_ECHO_AECM
        }
        config.noise_suppression = noiseSuppression
        config.gain_control = gainControl
        config.voice_detection = voiceDetection
        config.delay_agnostic = delayAgnostic
        config.extended_filter = extendedFilter
        guard let h = parley_apm_create(&config) else {
            throw AudioError(.processorRejected, "webrtc APM rejected the configuration (rate \(sampleRate))")
        }
        handle = h
        frameSamples = sampleRate / 100
        frame = [Int16](repeating: 0, count: frameSamples)
        reverse = [Int16](repeating: 0, count: frameSamples)
    }

    deinit { parley_apm_destroy(handle) }

    /// AEC non-linear suppression: 0 low, 1 moderate, 2 high.
    func setEchoSuppression(level: Int) -> Int32 {
        parley_apm_set_echo_suppression(handle, Int32(level))
    }

    /// Feeds the far-end frame (what was played) from `source`, which holds `frameSamples`.
    @discardableResult
    func processReverse(_ source: borrowing [Int16], from offset: Int = 0) -> Int32 {
        for i in 0..<frameSamples { reverse[i] = source[offset + i] }
        let n = Int32(frameSamples)
        return reverse.withUnsafeBufferPointer { buf in
            parley_apm_process_reverse(handle, buf.baseAddress, n)
        }
    }

    /// Feeds a silent far-end frame (nothing was played this tick).
    @discardableResult
    func processReverse(silence: Void) -> Int32 {
        for i in 0..<frameSamples { reverse[i] = 0 }
        let n = Int32(frameSamples)
        return reverse.withUnsafeBufferPointer { buf in
            parley_apm_process_reverse(handle, buf.baseAddress, n)
        }
    }

    /// Processes `frame` in place.
    @discardableResult
    func processCapture(streamDelayMs: Int) -> Int32 {
        let n = Int32(frameSamples)
        let delay = Int32(streamDelayMs)
        return frame.withUnsafeMutableBufferPointer { buf in
            parley_apm_process_capture(handle, buf.baseAddress, n, delay)
        }
    }

    var hasVoice: Bool { parley_apm_has_voice(handle) }
    var hasEcho: Bool { parley_apm_has_echo(handle) }

    func echoMetrics() -> EchoMetrics {
        var m = parley_apm_echo_metrics()
        _ = parley_apm_echo_metrics_get(handle, &m)
        return EchoMetrics(valid: m.valid, echoReturnLossDb: Int(m.echo_return_loss_db),
                           echoReturnLossEnhancementDb: Int(m.echo_return_loss_enhancement_db),
                           residualEchoReturnLossDb: Int(m.residual_echo_return_loss_db),
                           apmDelayMedianMs: Int(m.delay_median_ms), apmDelayStdMs: Int(m.delay_std_ms),
                           estimatedDelayMs: -1, delayConfidence: 0)
    }
}
