import Foundation
import ParleyRealtime

/// The network engine: streams each utterance to a server speaking the Vosk WebSocket
/// protocol (Vosk, Kaldi and several sherpa-onnx servers). One connection per utterance:
/// a server that restarted is simply used by the next utterance; connects are retried
/// until `connectTimeoutMs`. A dead or silent server ends the utterance with `asr_error`
/// within `responseTimeoutMs`; audio the server cannot take fast enough fills the ring,
/// which drops and counts — the media thread never waits. `wss://` URLs use TLS: the
/// server's certificate chain and name are verified (system CA store, or `caFile`).
public final class VoskRecognizer: SpeechRecognizer {
    public struct Configuration: Sendable {
        /// e.g. "ws://127.0.0.1:2700/" or "wss://asr.example.com:2700/".
        public var url: String
        /// PEM file of the CAs trusted for wss:// (a private CA); nil trusts the system
        /// CA store. Verification is always on.
        public var caFile: String?
        /// Time allowed to connect and complete the handshake, retries included.
        public var connectTimeoutMs: Int
        /// Longest wait for an answer to audio sent or to end of stream.
        public var responseTimeoutMs: Int
        /// Audio per binary frame.
        public var chunkMs: Int
        /// Audio the ring holds before it drops.
        public var ringCapacityMs: Int
        /// Rate sent to the server: 8 kHz input is upsampled when this is 16000.
        public var serverSampleRateHz: Int

        public init(url: String, connectTimeoutMs: Int = 2_000, responseTimeoutMs: Int = 3_000, chunkMs: Int = 100,
                    ringCapacityMs: Int = 10_000, serverSampleRateHz: Int = 16_000, caFile: String? = nil) {
            self.url = url
            self.caFile = caFile
            self.connectTimeoutMs = connectTimeoutMs
            self.responseTimeoutMs = responseTimeoutMs
            self.chunkMs = chunkMs
            self.ringCapacityMs = ringCapacityMs
            self.serverSampleRateHz = serverSampleRateHz
        }
    }

    public let configuration: Configuration
    let endpoint: WebSocketClient.Endpoint
    /// Loaded once (the CA store is parsed here); shared by every utterance's connection.
    let tls: TLSContext?

    /// Throws when the URL is not ws:// or wss://, or the CA file cannot be loaded.
    public init(configuration: Configuration) throws(SpeechError) {
        self.configuration = configuration
        endpoint = try WebSocketClient.Endpoint(url: configuration.url)
        if endpoint.isSecure {
            do { tls = try TLSContext(caFile: configuration.caFile) } catch { throw SpeechError(error) }
        } else {
            tls = nil
        }
    }

    public func startUtterance(_ hints: RecognitionHints) throws(SpeechError) -> RecognitionSession {
        guard hints.sampleRateHz == 8000 || hints.sampleRateHz == 16000 else {
            throw SpeechError(.unsupportedSampleRate, "\(hints.sampleRateHz) Hz")
        }
        guard configuration.serverSampleRateHz == hints.sampleRateHz
                || (configuration.serverSampleRateHz == 16000 && hints.sampleRateHz == 8000) else {
            throw SpeechError(.unsupportedSampleRate, "cannot convert \(hints.sampleRateHz) Hz to \(configuration.serverSampleRateHz) Hz")
        }
        let session = RecognitionSession(
            hints: hints, ringCapacitySamples: hints.sampleRateHz * configuration.ringCapacityMs / 1000)
        let job = VoskJob(session: session, endpoint: endpoint, tls: tls, configuration: configuration)
        let thread = Thread {
            ThreadName.setCurrent("parley-asr-net")
            job.run()
        }
        thread.name = "parley-asr-net"
        thread.start()
        return session
    }
}
