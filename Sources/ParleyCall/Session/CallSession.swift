import Foundation
import ParleyDialogue
import ParleyMedia
import ParleySDP
import ParleySIP
import ParleySpeech
import ParleyStore
import Synchronization

/// One call: where its SIP dialog, media channel, recognizer utterances, dialogue engine
/// and records meet. Everything that happens to the call arrives as a `CallSessionInput`
/// on one stream and is handled in order by `run()`, so the session's state needs no
/// locks; SIP actions hop to the stack's loop thread, media commands go through the
/// channel's ring, store writes are queued off this task.
public actor CallSession {
    /// What the admin API shows while the call runs.
    public struct Summary: Sendable, Equatable {
        public var callId: String
        public var direction: CallDirection
        public var state: String
        public var script: String
        public var startedAtMs: Int64
        public var answeredAtMs: Int64?
        public var endedAtMs: Int64?
        public var disposition: String?
        /// Filled at the end: the dialogue's tags, whether it reached its own end, the
        /// answer screening's verdict (outbound) and whether a voicemail message was left.
        public var tags: [String] = []
        public var completed = false
        public var amdVerdict: String?
        public var amdDecisionMs: Int?
        public var voicemailLeft = false
    }

    public nonisolated let callId: String
    public nonisolated let sipCallId: String
    nonisolated let services: CallServices
    nonisolated let link: SIPLink
    nonisolated let entry: ScriptCatalog.Entry
    nonisolated let media: MediaChannelHandle
    nonisolated let tap: RecognizerTap
    nonisolated let inputs: AsyncStream<CallSessionInput>
    nonisolated let continuation: AsyncStream<CallSessionInput>.Continuation
    nonisolated let summaryCell: Mutex<Summary>
    nonisolated let onEnded: @Sendable (CallSession) -> Void
    /// Outbound calls: decides between dialogue, voicemail message and hang-up.
    nonisolated let screen: (any OutboundAnswerScreen)?
    /// Outbound calls: the dialer's attempt id.
    public nonisolated let attemptID: String?

    var engine: DialogueEngine
    let variables: [String: String]
    var offerAnswer: OfferAnswer
    var established = false
    var finished = false
    /// The far end ended the dialog (BYE, CANCEL, failure) before we did.
    var callerHungUp = false
    /// Outbound: the callee's audio is being screened; the dialogue waits.
    var screening = false
    /// The voicemail message is playing; its end ends the call.
    var voicemailPlaybackID: Int?
    var stateName = ""

    // Playback and listening
    var playback: PlaybackProgress?
    var listening: DialogueListenSpec?
    var slotDigits = ""
    var utterance: UtteranceProgress?
    var utteranceCount = 0
    var timers: [DialogueTimer: Task<Void, Never>] = [:]
    var utteranceWatchdog: Task<Void, Never>?
    /// The caller speaks but every decoder is busy (see `waitForDecoder`).
    var waitingForDecoder: DecoderWait?

    // Records
    var turnSeq = 0
    var currentTurn: TurnRecord?
    /// A turn whose answer is known, waiting for the next prompt's first packet (response time).
    var answeredTurn: TurnRecord?
    var answeredSpeechEndMs: Int64?
    var webhookCount = 0
    var pendingTransfer: String?

    init(callId: String, sipCallId: String, services: CallServices, link: SIPLink, entry: ScriptCatalog.Entry,
         media: MediaChannelHandle, tap: RecognizerTap, variables: [String: String], offerAnswer: OfferAnswer,
         summary: Summary, screen: (any OutboundAnswerScreen)? = nil, attemptID: String? = nil,
         onEnded: @escaping @Sendable (CallSession) -> Void) {
        self.screen = screen
        self.attemptID = attemptID
        self.callId = callId
        self.sipCallId = sipCallId
        self.services = services
        self.link = link
        self.entry = entry
        self.media = media
        self.tap = tap
        self.variables = variables
        self.offerAnswer = offerAnswer
        self.engine = DialogueEngine(shared: entry.shared, seed: callId)
        self.summaryCell = Mutex(summary)
        self.onEnded = onEnded
        (inputs, continuation) = AsyncStream.makeStream(of: CallSessionInput.self, bufferingPolicy: .unbounded)
    }

    /// Queues an input for the session (any thread).
    public nonisolated func post(_ input: CallSessionInput) {
        continuation.yield(input)
    }

    public nonisolated var summary: Summary { summaryCell.withLock { $0 } }

    /// Handles inputs until the call is over.
    func run() async {
        for await input in inputs {
            await handle(input)
            if finished { break }
        }
    }

    func handle(_ input: CallSessionInput) async {
        guard !finished else { return }
        switch input {
        case .established(let answer):
            guard !established else { return }
            established = true
            if case .offerSent = offerAnswer.state {
                // Our offer went in the 200; the ACK must carry the answer.
                let accepted = answer.flatMap { try? OfferParsing.parse($0).get() }.map { sd in
                    offerAnswer.handle(.remoteAnswer(sd)).contains { if case .negotiated = $0 { true } else { false } }
                } ?? false
                guard accepted else {
                    recordEvent("offer_answer_failed")
                    await finish(disposition: "failed", sendBye: true)
                    return
                }
            }
            let now = services.store.clock.nowMs()
            services.store.callAnswered(callId: callId, atMs: now)
            summaryCell.withLock { $0.answeredAtMs = now; $0.state = "answered" }
            if let screen {
                screening = true
                summaryCell.withLock { $0.state = "screening" }
                tap.startScreening { [weak self] frame in
                    if let decision = screen.screen(frame) { self?.post(.screened(decision)) }
                }
                return
            }
            await apply(engine.handle(.callStarted(variables: variables)))
        case .screened(let decision):
            guard screening else { return }
            await screened(decision)
        case .media(let event):
            await mediaEvent(event)
        case .recognition(let number, let event):
            await recognition(number, event)
        case .timerFired(let timer):
            timers[timer] = nil
            await apply(engine.handle(.timerFired(timer)))
        case .retryUtterance:
            if utterance == nil, waitingForDecoder != nil { startUtterance() }
        case .utteranceTimedOut(let number):
            guard let u = utterance, u.number == number else { return }
            endUtterance(cancel: true)
        case .playbackEnded(let id):
            guard playback?.id == id else { return }
            playback = nil
            await apply(engine.handle(.promptFinished(playbackID: id)))
        case .webhookAnswered(let name, let ok):
            recordEvent("webhook_result", ["webhook": name, "ok": ok ? "true" : "false"])
            await apply(engine.handle(.webhookResult(name: name, succeeded: ok, variables: [:])))
        case .sip(let event):
            await sipEvent(event)
        case .hangUp(let disposition):
            await finish(disposition: disposition, sendBye: true)
        }
    }

    /// Records a call event (kind and a flat JSON object); values are ids, names, codes.
    nonisolated func recordEvent(_ kind: String, _ fields: [String: String] = [:]) {
        let json = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]))
            .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        services.store.eventRecorded(callId: callId, atMs: services.store.clock.nowMs(), kind: kind, json: json)
    }

    var logFields: [String: String] { ["call_id": callId, "sip_call_id": sipCallId, "state": stateName] }
}

/// Everything a call session reacts to.
public enum CallSessionInput: Sendable {
    /// The dialog is confirmed (ACK received, or 2xx to our INVITE). `answer`: the ACK's
    /// SDP when our offer went in the 200 (an INVITE without an offer).
    case established(answer: [UInt8]?)
    case media(MediaEvent)
    case recognition(utterance: Int, RecognizerEvent)
    case utteranceTimedOut(utterance: Int)
    /// Try again to get a decoder for the caller's speech.
    case retryUtterance
    case timerFired(DialogueTimer)
    /// The answer screening decided (outbound).
    case screened(OutboundScreenDecision)
    /// A playback with nothing to play ended at once.
    case playbackEnded(playbackID: Int)
    case webhookAnswered(name: String, ok: Bool)
    case sip(SIPCallEvent)
    /// End the call now with this disposition (admin API, drain deadline).
    case hangUp(disposition: String)
}

/// The playback the dialogue is waiting on.
struct PlaybackProgress {
    var id: Int
    /// Files queued on the channel and not yet finished.
    var remaining: Int
    /// The first file has started (its events are this playback's, not an earlier one's).
    var started = false
    /// Every file plays with barge-in off: a later playback queues instead of replacing it.
    var uninterruptible = false
}

/// Caller speech waiting for a free decoder.
struct DecoderWait {
    /// Set when the caller's turn ended meanwhile.
    var speechEndMs: Int64?
    var endedAtNs: UInt64?
}

/// The recognizer utterance running now.
struct UtteranceProgress {
    var number: Int
    var session: RecognitionSession
    var events: Task<Void, Never>
    var endOfSpeechAtNs: UInt64?
    var speechEndMs: Int64?
}
