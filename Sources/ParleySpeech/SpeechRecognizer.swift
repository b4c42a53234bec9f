/// A streaming recognizer. The media thread writes frames into a session's ring
/// (`RecognitionSession.push`, never blocks); an engine worker drains it. Results and
/// `asr_error` arrive on the session's `events` stream.
public protocol SpeechRecognizer: Sendable {
    /// Starts an utterance. Fails at once when the engine cannot take one (e.g. the pool
    /// is exhausted or the language is not supported); later failures arrive as
    /// `.asrError` events.
    func startUtterance(_ hints: RecognitionHints) throws(SpeechError) -> RecognitionSession
}
