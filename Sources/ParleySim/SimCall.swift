import ParleyCodecs
import ParleyRealtime
import ParleySDP
import ParleySIP

/// One simulated call as the event loop sees it: its SIP handle and offer/answer, its
/// RTP socket and outgoing stream, the recognizer listening to the bot, the scenario
/// runner, and the runner's timers. Times are ms since the INVITE went out (`t0Ns`), the
/// caller's clock.
///
/// Loop-thread only (created, used and dropped there; `receiver` has its own contract):
/// the invariant behind `@unchecked Sendable`.
final class SimCall: @unchecked Sendable {
    let index: Int
    let t0Ns: UInt64
    let startOffsetMs: Int
    var runner: ScenarioRunner
    var offerAnswer: OfferAnswer
    let socket: UDPSocket
    /// The receive thread's side of `socket`.
    let receiver: SimReceiver
    var handle: SIPCallHandle?
    var sipCallID: String?
    var stream: SimMediaStream?
    var slot: Int32?
    var recognizer: PromptRecognizer?
    var measures = StreamMeasures()
    /// The loop tick at which the bot's packets were last read (`SimEngine.service`).
    var drainedTick: UInt64 = 0
    var timers: [(timer: ScenarioRunner.Timer, dueMs: Int)] = []
    /// Events the runner gets after the current batch of actions (no re-entrance).
    var deferred: [ScenarioRunner.Event] = []
    var registered = false
    var sipEnded = false
    var finished = false
    /// From the bot's BYE.
    var byeDisposition: String?
    var byeReason: String?
    /// Reason phrase of a final failure response to the INVITE.
    var failureReason: String?
    /// Received audio: its law (from the payload type) and the recognizer's position.
    var receivedLaw: G711.Law = .muLaw
    var audioPayloadType: UInt8?
    var telephoneEventPayloadType: UInt8?
    var recognizerStarted = false
    /// A prompt end not yet passed to the runner (see `SimEngine.drainRecognizer`).
    var heldEnd: PromptRecognizer.End?
    var expectedTimestamp: UInt32 = 0
    var lastArrivalMs = 0
    /// What the recognizer heard, kept only with `SimRunOptions.recordDirectory`.
    var heardAudio: [Int16]?
    /// Arrival of the bot's first audio packet (caller clock).
    var firstAudioMs = 0

    init(index: Int, t0Ns: UInt64, startOffsetMs: Int, runner: ScenarioRunner, offerAnswer: OfferAnswer,
         socket: UDPSocket, recognizer: PromptRecognizer?, lineEchoes: Bool = true) {
        self.index = index
        self.t0Ns = t0Ns
        self.startOffsetMs = startOffsetMs
        self.runner = runner
        self.offerAnswer = offerAnswer
        self.socket = socket
        // The recognizer (and the heard-audio recording, which follows it) and the line's
        // echo are the only readers of the decoded audio.
        self.receiver = SimReceiver(socket: socket, decodesForRecognizer: recognizer != nil, decodesForEcho: lineEchoes)
        self.recognizer = recognizer
    }

    /// The caller's clock (ms since the INVITE) at monotonic `ns`.
    func ms(_ ns: UInt64) -> Int { ns >= t0Ns ? Int((ns - t0Ns) / 1_000_000) : -Int((t0Ns - ns) / 1_000_000) }

    var record: SimCallRecord {
        SimCallRecord(index: index, startOffsetMs: startOffsetMs, result: runner.result, stream: measures)
    }
}
