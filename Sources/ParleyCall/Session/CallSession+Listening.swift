import Foundation
import ParleyAudio
import ParleyDialogue
import ParleyMedia
import ParleyRealtime
import ParleyRTP
import ParleySpeech

extension CallSession {
    // MARK: Media events

    func mediaEvent(_ event: MediaEvent) async {
        switch event {
        case let .promptStarted(prompt, _, atMs):
            tap.recorder?.promptStarted(prompt, atMs: atMs)
            guard var p = playback, !p.started else { return }
            p.started = true
            playback = p
            firstAudio(atMs: atMs)
        case .promptFinished:
            guard var p = playback, p.started else { return }
            p.remaining -= 1
            if p.remaining > 0 {
                playback = p
                return
            }
            playback = nil
            if voicemailPlaybackID == p.id {
                await voicemailFinished()
                return
            }
            await apply(engine.handle(.promptFinished(playbackID: p.id)))
        case let .bargeIn(onsetMs, atMs, _):
            let latencyMs = Int(atMs) - Int(onsetMs)
            services.metrics.bargeIn(latencyMs: latencyMs)
            currentTurn?.bargedIn = true
            currentTurn?.bargeInMs = latencyMs
            recordEvent("barge_in", ["latency_ms": String(latencyMs)])
            // The media thread stopped the file playing; drop the rest of the playback.
            media.send(.stop)
            if utterance == nil { startUtterance() }
            if let p = playback {
                playback = nil
                await apply(engine.handle(.bargeIn(playbackID: p.id)))
            }
        case .falseBargeIn:
            services.metrics.falseBargeIn()
            recordEvent("false_barge_in")
        case .speechStarted:
            if utterance == nil, listening != nil || playback != nil { startUtterance() }
        case let .endOfTurn(_, speechEndMs):
            if utterance == nil, let wait = waitingForDecoder, wait.speechEndMs == nil {
                // No decoder yet: keep the utterance in the pre-roll until one is free.
                tap.freeze()
                waitingForDecoder?.speechEndMs = Int64(speechEndMs)
                waitingForDecoder?.endedAtNs = Monotonic.nowNs()
                return
            }
            guard var u = utterance, u.endOfSpeechAtNs == nil else { return }
            u.endOfSpeechAtNs = Monotonic.nowNs()
            u.speechEndMs = Int64(speechEndMs)
            utterance = u
            tap.detach()
            u.session.endOfSpeech()
        case let .dtmf(code, source, _):
            guard let digit = TelephoneEvent.symbol(for: code) else { return }
            await dtmf(String(digit), source: source == .rtpEvent ? "rfc4733" : "inband")
        case .mediaTimeout:
            services.log.warning("no RTP from the caller", logFields)
            await finish(disposition: "media_timeout", sendBye: true)
        case let .promptStopped(_, _, _, atMs), let .promptPaused(_, _, atMs):
            tap.recorder?.promptStopped(atMs: atMs)
        case let .promptResumed(prompt, offsetSamples, atMs):
            tap.recorder?.promptStarted(prompt, atMs: atMs, offsetSamples: Int(offsetSamples))
        case .speechStopped, .noInput, .latched, .statsReady, .closed:
            break
        }
    }

    func dtmf(_ digit: String, source: String) async {
        recordEvent("dtmf", ["digit": digit, "source": source])
        if let slot = listening?.slot {
            if digit != "#" { slotDigits += digit }
            guard digit == "#" || slotDigits.count >= slot.maxLength else { return }
            let value = slotDigits
            slotDigits = ""
            await apply(engine.handle(.dtmf(value)))
        } else {
            await apply(engine.handle(.dtmf(digit)))
        }
    }

    // MARK: Recognition

    /// Starts an utterance: the recognizer gets the pre-roll and the live audio. When every
    /// decoder is busy it tries again every 50 ms (the audio waits in the pre-roll), for up
    /// to `decoderWaitMs` after the caller's turn ended.
    func startUtterance() {
        guard let recognizer = services.recognizer else { return }
        let names = (listening?.intents ?? entry.script.intents.map(\.name)) + [ScriptCatalog.emotionCues]
        let hints = RecognitionHints(mode: .grammar, intents: names.compactMap { entry.intentDefinitions[$0] },
                                     language: Self.languageTag(entry.script.language),
                                     sampleRateHz: media.configuration.pipelineRateHz)
        let session: RecognitionSession
        do {
            session = try recognizer.startUtterance(hints)
        } catch {
            if error.code == .poolExhausted { return waitForDecoder() }
            waitingForDecoder = nil
            services.metrics.recognizerError(engine: services.recognizerEngine)
            services.log.warning("recognizer unavailable", logFields.merging(["error": error.code.rawValue]) { a, _ in a })
            return
        }
        let pending = waitingForDecoder
        waitingForDecoder = nil
        utteranceCount += 1
        let number = utteranceCount
        tap.attach(session)
        let events = Task { [weak self] in
            for await event in session.events {
                self?.post(.recognition(utterance: number, event))
            }
        }
        utterance = UtteranceProgress(number: number, session: session, events: events)
        if let speechEndMs = pending?.speechEndMs {
            // The turn ended while waiting for a decoder: the pre-roll holds all of it.
            utterance?.endOfSpeechAtNs = Monotonic.nowNs()
            utterance?.speechEndMs = speechEndMs
            tap.detach()
            session.endOfSpeech()
        }
        utteranceWatchdog?.cancel()
        utteranceWatchdog = Task { [weak self] in
            try? await Task.sleep(for: .seconds(20))
            guard !Task.isCancelled else { return }
            self?.post(.utteranceTimedOut(utterance: number))
        }
    }

    static let decoderWaitMs: UInt64 = 3_000

    /// Every decoder is busy: retry soon, give up `decoderWaitMs` after the turn ended.
    func waitForDecoder() {
        if waitingForDecoder == nil { waitingForDecoder = DecoderWait() }
        if let ended = waitingForDecoder?.endedAtNs, Monotonic.nowNs() - ended > Self.decoderWaitMs * 1_000_000 {
            waitingForDecoder = nil
            tap.detach()
            services.metrics.recognizerError(engine: services.recognizerEngine)
            services.log.warning("no recognizer free for the caller's turn", logFields)
            Task { [weak self] in await self?.decoderWaitFailed() }
            return
        }
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(50))
            self?.post(.retryUtterance)
        }
    }

    func decoderWaitFailed() async {
        if listening != nil { await apply(engine.handle(.asrError)) }
    }

    func endUtterance(cancel: Bool) {
        guard let u = utterance else { return }
        utterance = nil
        utteranceWatchdog?.cancel()
        utteranceWatchdog = nil
        tap.detach()
        if cancel {
            u.session.cancel()
            u.events.cancel()
        }
    }

    func recognition(_ number: Int, _ event: RecognizerEvent) async {
        guard let u = utterance, u.number == number else { return }
        switch event {
        case .partial(let result):
            let words = PartialHint.meaningfulWordCount(result.text)
            media.send(.recognizerPartial(words: Int32(clamping: words), hint: endpointHint(result.text)))
        case .final(let result):
            endUtterance(cancel: false)
            media.send(.recognizerFinal)
            if let at = u.endOfSpeechAtNs {
                services.metrics.recognizerLatency(ms: Int((Monotonic.nowNs() - at) / 1_000_000))
            }
            await understood(result, speechEndMs: u.speechEndMs)
        case .asrError(let error):
            endUtterance(cancel: false)
            services.metrics.recognizerError(engine: services.recognizerEngine)
            services.log.warning("recognition failed", logFields.merging(["error": error.code.rawValue]) { a, _ in a })
            if listening != nil { await apply(engine.handle(.asrError)) }
        }
    }

    /// Semantic endpointing: a partial that already answers the state (it resolves to one of
    /// the intents listened for) ends the turn after a short silence; anything else waits
    /// longer (`listening.end_of_turn_ms` and the settings after it); digit strings wait longest.
    func endpointHint(_ text: String) -> PartialHintCode {
        switch PartialHint.classify(text) {
        case .digits: return .digits
        case .incomplete: return .incomplete
        case .complete:
            guard let spec = listening, !text.isEmpty else { return .incomplete }
            return entry.resolver.resolve(text, candidates: spec.intents).intent == nil ? .incomplete : .complete
        }
    }

    /// A final result: resolve it to an intent (or a slot value) and tell the engine.
    func understood(_ result: RecognitionResult, speechEndMs: Int64?) async {
        guard let spec = listening else { return }
        let text = result.isOutOfGrammar ? "" : result.text.trimmingCharacters(in: .whitespaces)
        var recognition = DialogueRecognition(intent: nil, confidence: result.confidence, text: text)
        if !text.isEmpty {
            recognition = entry.resolver.resolve(text, candidates: spec.intents)
            recognition.text = text
            if recognition.intent == nil, let grammarIntent = result.grammarIntent, spec.intents.contains(grammarIntent) {
                recognition.intent = grammarIntent
                recognition.confidence = result.confidence
            }
        }
        currentTurn?.transcript = text.isEmpty ? nil : text
        currentTurn?.intent = recognition.intent
        currentTurn?.confidence = recognition.intent == nil ? nil : recognition.confidence
        currentTurn?.emotion = recognition.emotion
        answeredSpeechEndMs = speechEndMs
        recordEvent("recognized", ["intent": recognition.intent ?? "", "utterance": String(utteranceCount)])
        if spec.slot != nil, !text.isEmpty {
            await apply(engine.handle(.slotValue(text)))
        } else {
            await apply(engine.handle(.intent(recognition)))
        }
    }

    /// BCP 47 tag for a script language (`en` → `en-US`, `zh` → `zh-CN`).
    static func languageTag(_ language: String) -> String {
        switch language.lowercased() {
        case "en": "en-US"
        case "zh": "zh-CN"
        default: language
        }
    }
}
