import Foundation
import ParleyAudio
import ParleyCodecs
import ParleyMedia
import ParleyRealtime
import ParleySDP
import ParleySIP
import ParleyStore
import Synchronization

/// The call layer's front: the delegate of the daemon's SIP stacks. It admits and routes
/// inbound INVITEs, negotiates SDP, opens the media channel, answers, and hands each call
/// to its `CallSession`; SIP events for a call are forwarded to its session.
///
/// Thread confinement: the delegate methods run on the stacks' loop thread (one loop for
/// every stack); `sessionsByCall` is touched only there. The registry by call id is
/// guarded by a mutex for the admin API and the drain.
public final class CallManager: SIPStackDelegate, @unchecked Sendable {
    public let services: CallServices
    let router: CallRouter
    struct CallKey: Hashable {
        let stack: ObjectIdentifier
        let call: SIPCallHandle
    }
    /// Loop thread only.
    var sessionsByCall: [CallKey: CallSession] = [:]
    /// Outbound calls not answered yet (loop thread only).
    var outboundAttempts: [CallKey: OutboundAttempt] = [:]
    let registry = Mutex<[String: CallSession]>([:])
    let drainState = Mutex<DrainState>(DrainState())
    /// Called (on any thread) when a drain has started and the last call ended.
    let onDrained: Mutex<(@Sendable () -> Void)?> = Mutex(nil)

    struct DrainState {
        var draining = false
        var deadlineMs: Int64?
        var stacks: [SIPStack] = []
        var deadlineTask: Task<Void, Never>?
    }

    public init(services: CallServices) {
        self.services = services
        self.router = CallRouter(routing: services.configuration.routing)
    }

    public var activeCallCount: Int { registry.withLock { $0.count } }
    public var sessions: [CallSession] { registry.withLock { Array($0.values) } }
    public func session(callId: String) -> CallSession? { registry.withLock { $0[callId] } }

    // MARK: SIPStackDelegate (loop thread)

    public func sipStack(_ stack: SIPStack, incomingCall call: SIPCallHandle, invite: SIPMessage) {
        let config = services.configuration
        let retryAfter = [SIPMessage.Header(.init("Retry-After"), String(config.sip.retryAfterS))]
        if drainState.withLock({ $0.draining }) {
            stack.reject(call, statusCode: 503, reason: "Draining", extraHeaders: retryAfter)
            return
        }
        if activeCallCount >= config.sip.maxCalls {
            stack.reject(call, statusCode: 503, reason: "Service Unavailable", extraHeaders: retryAfter)
            return
        }
        guard let path = router.script(for: invite), let entry = services.scripts.entry(path: path) else {
            stack.reject(call, statusCode: 404, reason: "No Script For This Number")
            return
        }
        let accepted: AcceptedOffer
        if invite.body.isEmpty {
            // No offer (RFC 3261 §13.2.1): we offer in the 200, the answer comes in the ACK.
            guard let made = offerInAnswer(prompts: entry.prompts) else {
                stack.reject(call, statusCode: 503, reason: "Media Unavailable", extraHeaders: retryAfter)
                return
            }
            accepted = made
        } else {
            let offer: SessionDescription
            switch OfferParsing.parse(invite.body) {
            case .success(let parsed): offer = parsed
            case .failure(let error):
                stack.reject(call, statusCode: 400, reason: "Malformed SDP (\(error.code.rawValue), line \(error.line))")
                return
            }
            switch accept(offer, prompts: entry.prompts) {
            case .success(let a): accepted = a
            case .failure(let status):
                stack.reject(call, statusCode: status.code, reason: status.reason,
                             extraHeaders: status.code == 503 ? retryAfter : [])
                return
            }
        }
        let callId = UUID().uuidString.lowercased()
        let sipCallId = invite.callID ?? ""
        let now = services.store.clock.nowMs()
        let (variables, defaulted) = Self.variables(from: invite, script: entry)
        let start = CallStart(callId: callId, nodeId: config.nodeID, direction: .inbound,
                              fromURI: invite.from?.uri.serialized ?? "", toURI: invite.to?.uri.serialized ?? "",
                              script: entry.script.name, scriptVersion: entry.script.version, variant: nil,
                              startedAtMs: now, sipCallId: sipCallId)
        do { try services.store.callStarted(start) } catch {
            accepted.media.close()
            stack.reject(call, statusCode: 500, reason: "Store Unavailable")
            return
        }
        let tap = RecognizerTap(sampleRateHz: accepted.media.configuration.pipelineRateHz,
                                recorder: recorder(for: accepted.media))
        let summary = CallSession.Summary(callId: callId, direction: .inbound, state: "answering",
                                          script: entry.script.name, startedAtMs: now)
        let session = CallSession(callId: callId, sipCallId: sipCallId, services: services,
                                  link: SIPLink(stack: stack, call: call), entry: entry, media: accepted.media,
                                  tap: tap, variables: variables, offerAnswer: accepted.offerAnswer, summary: summary,
                                  onEnded: { [weak self] session in self?.ended(session) })
        sessionsByCall[CallKey(stack: ObjectIdentifier(stack), call: call)] = session
        registry.withLock { $0[callId] = session }
        updateAvailability()
        for name in defaulted { session.recordEvent("variable_defaulted", ["variable": name]) }
        services.pump.add(accepted.media, tap: tap) { event in session.post(.media(event)) }
        Task { await session.run() }
        stack.answer(call, body: accepted.answer.bytes, contentType: "application/sdp")
        services.metrics.callStarted()
        services.log.info("call answered", ["call_id": callId, "sip_call_id": sipCallId, "script": entry.script.name,
                                            "codec": accepted.media.configuration.codec.encodingName])
    }

    public func sipStack(_ stack: SIPStack, call: SIPCallHandle, event: SIPCallEvent) {
        let key = CallKey(stack: ObjectIdentifier(stack), call: call)
        if let attempt = outboundAttempts[key] {
            outboundEvent(attempt, key: key, stack: stack, call: call, event: event)
            return
        }
        guard let session = sessionsByCall[key] else { return }
        switch event {
        case .established(let ack):
            session.post(.established(answer: ack.body.isEmpty ? nil : ack.body))
        case .ended:
            sessionsByCall[key] = nil
            session.post(.sip(event))
        default:
            session.post(.sip(event))
        }
    }

    // MARK: Offer, media

    struct AcceptedOffer {
        var media: MediaChannelHandle
        var offerAnswer: OfferAnswer
        var answer: SessionDescription
    }

    struct Refusal: Error {
        var code: Int
        var reason: String
    }

    func offerAnswerConfiguration(rtpPort: UInt16) -> OfferAnswer.Configuration {
        let config = services.configuration
        let host = config.sip.advertisedAddress ?? config.media.rtpBindHost
        return OfferAnswer.Configuration(
            codecs: config.media.codecs.compactMap { AudioCodec(rawValue: $0.configName) }, telephoneEvent: true,
            ptimeMs: config.media.ptimeMs, maxptimeMs: max(40, config.media.ptimeMs), localAddress: host,
            localAddressType: host.contains(":") ? .ip6 : .ip4, localRTPPort: rtpPort, username: "parley",
            sessionID: UInt64.random(in: 1...UInt64(Int64.max)), sessionName: "parley")
    }

    /// Negotiates the offer, opens the media channel on the agreed codec and makes the answer.
    func accept(_ offer: SessionDescription, prompts: PromptTable) -> Result<AcceptedOffer, Refusal> {
        var probe = OfferAnswer(configuration: offerAnswerConfiguration(rtpPort: 9))
        var negotiated: NegotiatedMedia?
        for action in probe.handle(.remoteOffer(offer)) {
            switch action {
            case .negotiated(let m): negotiated = m
            case .reject(let error): return .failure(Refusal(code: error.sipStatus, reason: "Not Acceptable Here"))
            case .sendAnswer, .sendOffer: break
            }
        }
        guard let media = negotiated, let codec = Codec(encodingName: media.codec.encodingName) else {
            return .failure(Refusal(code: 488, reason: "Not Acceptable Here"))
        }
        let handle: MediaChannelHandle
        do {
            handle = try services.media.openChannel(channelConfiguration(for: media, codec: codec),
                                                    prompts: prompts)
        } catch {
            return .failure(Refusal(code: 503, reason: "Media Unavailable"))
        }
        var offerAnswer = OfferAnswer(configuration: offerAnswerConfiguration(rtpPort: handle.localAddress.port))
        for action in offerAnswer.handle(.remoteOffer(offer)) {
            if case .sendAnswer(let answer) = action {
                return .success(AcceptedOffer(media: handle, offerAnswer: offerAnswer, answer: answer))
            }
        }
        handle.close()
        return .failure(Refusal(code: 488, reason: "Not Acceptable Here"))
    }

    /// When we make the offer (an INVITE without one; outbound calls): a channel on the
    /// first configured codec, waiting for the peer's first packet, and our offer of it.
    func offerInAnswer(prompts: PromptTable) -> AcceptedOffer? {
        let config = services.configuration
        guard let codec = config.media.codecs.first, let audioCodec = AudioCodec(rawValue: codec.configName) else { return nil }
        let handle: MediaChannelHandle
        do {
            handle = try services.media.openChannel(MediaChannelConfiguration(
                codec: codec, payloadType: codec.defaultPayloadType, telephoneEventPayloadType: 101,
                ptimeMs: config.media.ptimeMs, remote: nil, mediaTimeoutMs: config.media.timeoutS * 1000,
                listening: channelListening(), pipelineRateHz: 8000,
                jitterBuffer: config.jitterBufferConfiguration(clockRate: codec.rtpClockRateHz),
                cname: "parley@\(config.nodeID)"), prompts: prompts)
        } catch {
            return nil
        }
        var oaConfig = offerAnswerConfiguration(rtpPort: handle.localAddress.port)
        oaConfig.codecs = [audioCodec]
        var offerAnswer = OfferAnswer(configuration: oaConfig)
        guard case .sendOffer(let offer)? = offerAnswer.handle(.makeOffer(direction: .sendrecv)).first else {
            handle.close()
            return nil
        }
        return AcceptedOffer(media: handle, offerAnswer: offerAnswer, answer: offer)
    }

    func channelConfiguration(for media: NegotiatedMedia, codec: Codec) -> MediaChannelConfiguration {
        let config = services.configuration
        var remote = SocketAddress(host: media.remoteAddress, port: media.remoteRTPPort)
        // With RTP bound to loopback, never send elsewhere: wait for the peer's packets instead.
        if let r = remote, SocketAddress(host: config.media.rtpBindHost, port: 0)?.isLoopback == true, !r.isLoopback {
            remote = nil
        }
        if media.remoteRTPPort == 0 { remote = nil }
        let listening = channelListening()
        return MediaChannelConfiguration(
            codec: codec, payloadType: media.payloadType, telephoneEventPayloadType: media.telephoneEventPayloadType,
            ptimeMs: media.ptimeMs, remote: remote, mediaTimeoutMs: config.media.timeoutS * 1000,
            listening: listening, pipelineRateHz: 8000,
            jitterBuffer: config.jitterBufferConfiguration(clockRate: codec.rtpClockRateHz), cname: "parley@\(config.nodeID)")
    }

    /// A recorder for the call when `recordings.enabled`.
    func recorder(for media: MediaChannelHandle) -> CallRecorder? {
        guard services.configuration.recordings.enabled else { return nil }
        return CallRecorder(sampleRateHz: media.configuration.pipelineRateHz, prompts: media.prompts)
    }

    func channelListening() -> ListeningConfiguration {
        ListeningConfiguration(echo: services.configuration.echoCancellerConfiguration,
                               endpointer: services.configuration.endpointerConfiguration)
    }

    // MARK: Variables

    /// `X-Parley-Var-<name>` headers; a required variable that is missing takes the
    /// script's example value (returned in `defaulted`).
    static func variables(from invite: SIPMessage, script entry: ScriptCatalog.Entry) -> ([String: String], [String]) {
        var values: [String: String] = [:]
        let prefix = "x-parley-var-"
        for header in invite.headers where header.name.key.hasPrefix(prefix) {
            let name = String(header.name.name.dropFirst(prefix.count))
            if !name.isEmpty { values[name] = header.value }
        }
        var defaulted: [String] = []
        for variable in entry.script.variables where values[variable.name] == nil {
            if variable.required, let example = variable.example {
                values[variable.name] = example
                defaulted.append(variable.name)
            }
        }
        return (values, defaulted)
    }
}
