import ParleyCodecs
import ParleyRTP
import ParleyRealtime
import Synchronization

/// What a call (event-loop thread) asks its stream (pacing thread) to send, in order.
/// `notify`: report `.sent` when the item's last packet has gone out.
enum SimMediaCommand: BitwiseCopyable {
    /// A caller recording (index into `SimClips`).
    case play(clip: Int32, notify: Bool)
    /// One RFC 4733 DTMF event (`event` 0…15) lasting `durationMs`.
    case dtmf(event: UInt8, durationMs: Int32, notify: Bool)
    /// Line noise only, for `ms` (the pause between digits).
    case gap(ms: Int32, notify: Bool)
    /// Drop whatever is playing or queued before this.
    case stop
}

/// What the stream reports back (pacing thread → event-loop thread).
enum SimMediaReport: BitwiseCopyable {
    /// The item with `notify` was sent completely; `atNs` is the end of its last frame
    /// (monotonic clock).
    case sent(atNs: UInt64)
    /// The first packet of a recording or of a DTMF event goes out this tick (`atNs`,
    /// monotonic clock): the caller starts speaking, or presses a key.
    case inputStarted(atNs: UInt64)
}

/// One simulated caller's outgoing RTP stream: every 20 ms tick of the pacing thread it
/// builds the caller's frame (a recording, or silence), adds the line (the bot's audio
/// back as echo, noise), encodes G.711 and sends one packet; DTMF goes as RFC 4733
/// telephone-events instead of audio while a digit plays.
///
/// A clean line (no echo, no noise) adds nothing to the caller's frame: there the bot's
/// audio is not played out for the echo at all, and a silent frame (nothing to say) goes
/// out as a payload encoded once (`silencePayload`), so a listening caller costs a header
/// and a send per tick.
///
/// Thread confinement: the `let` properties are set before the stream is attached to the
/// pacer and never change; the rings are SPSC (commands: loop → pacer, bot audio: receive
/// thread → pacer, reports: pacer → loop); every `var` is touched only by the pacing thread between
/// attach and detach (the pacer's control ring publishes the attach with release/acquire).
/// That is the invariant behind `@unchecked Sendable`. `tick` does not allocate.
final class SimMediaStream: @unchecked Sendable {
    static let frameSamples = 160
    static let ptimeMs = 20

    /// Closed only after the pacer let the stream go (`SimPacer.reclaim`): open for every tick.
    let socket: UDPSocket
    let remote: SocketAddress
    /// The socket is connected to `remote`: send without an address (no route lookup
    /// per packet).
    let connected: Bool
    /// The line adds echo of the bot's audio, noise: whether the caller's frame is more
    /// than what the caller says.
    let lineEchoes: Bool
    let lineIsClean: Bool
    /// A frame of digital silence, encoded in the stream's law.
    let silencePayload: [UInt8]
    let payloadType: UInt8
    let law: G711.Law
    let telephoneEventPayloadType: UInt8?
    let ssrc: UInt32
    let clips: SimClips
    let commands = SPSCRing<SimMediaCommand>(capacity: 64)
    let reports = SPSCRing<SimMediaReport>(capacity: 64)
    /// The bot's decoded audio and its timestamps, for the echo path (receive thread → pacer).
    let botAudio: SPSCRing<SimBotSample>
    /// Packets sent, packets not sent (a full send buffer included), and of those the
    /// ones refused for a full send buffer (would block) rather than an error (relaxed:
    /// statistics only).
    let packetsSent = Atomic<Int>(0)
    let sendFailures = Atomic<Int>(0)
    let sendWouldBlocks = Atomic<Int>(0)

    // Pacing-thread state.
    var line: LineModel
    /// The phone's playout of the bot's stream: the echo keeps a fixed delay under jitter.
    var playout = EchoPlayout(depthSamples: EchoPlayout.defaultDepthSamples)
    var sequence: UInt16
    var timestamp: UInt32
    var marker = true
    var current: SimMediaCommand?
    var clipCursor = 0
    var gapTicks = 0
    var dtmf: TelephoneEventSender
    var frame: [Int16]
    var echo: [Int16]
    var payload: [UInt8]
    var packet: [UInt8]

    init(socket: UDPSocket, remote: SocketAddress, connected: Bool = false, payloadType: UInt8, law: G711.Law, telephoneEventPayloadType: UInt8?,
         botAudio: SPSCRing<SimBotSample>, clips: SimClips, line: LineConfiguration, seed: UInt64) {
        self.socket = socket
        self.botAudio = botAudio
        self.remote = remote
        self.connected = connected
        lineEchoes = line.echo != nil
        lineIsClean = line.echo == nil && line.noise == nil
        var silence = [UInt8](repeating: 0, count: Self.frameSamples)
        var codes = silence.mutableSpan
        _ = try? G711.encode(law, [Int16](repeating: 0, count: Self.frameSamples).span, into: &codes)
        silencePayload = silence
        self.payloadType = payloadType
        self.law = law
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.clips = clips
        var random = SplitMix64(seed: seed)
        self.ssrc = UInt32(truncatingIfNeeded: random.next())
        self.sequence = UInt16(truncatingIfNeeded: random.next())
        self.timestamp = UInt32(truncatingIfNeeded: random.next())
        var configuration = line
        configuration.seed = line.seed &+ seed
        self.line = LineModel(configuration: configuration, playoutDelayMs: EchoPlayout.defaultDepthSamples / 8)
        self.dtmf = TelephoneEventSender(packetIntervalSamples: Self.frameSamples)
        self.frame = [Int16](repeating: 0, count: Self.frameSamples)
        self.echo = [Int16](repeating: 0, count: Self.frameSamples)
        self.payload = [UInt8](repeating: 0, count: Self.frameSamples)
        self.packet = [UInt8](repeating: 0, count: RTPHeader.fixedSize + Self.frameSamples)
    }

    /// One 20 ms tick. Pacing thread only.
    func tick(nowNs: UInt64) {
        if current == nil { startNext(nowNs: nowNs) }
        if lineEchoes { playOutEcho() }
        var silent = true
        let endNs = nowNs &+ UInt64(Self.ptimeMs) * 1_000_000
        switch current {
        case .play(let clip, let notify):
            let samples = clips.clips[Int(clip)]
            let n = min(Self.frameSamples, samples.count - clipCursor)
            for i in 0..<max(0, n) { frame[i] = samples[clipCursor + i] }
            for i in max(0, n)..<Self.frameSamples { frame[i] = 0 }
            silent = false
            clipCursor += Self.frameSamples
            if clipCursor >= samples.count { complete(notify: notify, atNs: endNs) }
        case .dtmf(_, _, let notify):
            if let te = telephoneEventPayloadType, let p = dtmf.nextPacket() {
                sendEvent(p, payloadType: te)
                // The stream's clock runs on under the event (its packets keep the start).
                timestamp &+= UInt32(Self.frameSamples)
                if !dtmf.isActive { complete(notify: notify, atNs: endNs) }
                return
            }
            complete(notify: notify, atNs: endNs)
        case .gap(_, let notify):
            gapTicks -= 1
            if gapTicks <= 0 { complete(notify: notify, atNs: endNs) }
        case .stop, nil:
            break
        }
        sendAudio(silent: silent)
    }

    /// The bot's audio played out this tick feeds the echo path whether or not audio is
    /// sent: everything that arrived goes into the playout buffer by timestamp, and the
    /// frame due now comes out (a late packet leaves silence, it does not delay the rest).
    func playOutEcho() {
        if marker {
            // First tick: what arrived before the stream was attached is stale for the echo.
            while botAudio.tryPop() != nil {}
        }
        while let s = botAudio.tryPop() { playout.write(timestamp: s.timestamp, sample: s.sample) }
        do {
            var echoSpan = echo.mutableSpan
            playout.read(into: &echoSpan)
        }
        let heard = echo   // a reference, not a copy
        line.receive(heard.span)
    }

    /// Takes the next queued command (skipping `stop`s, which only clear).
    func startNext(nowNs: UInt64) {
        while let c = commands.tryPop() {
            switch c {
            case .stop:
                current = nil
            case .play(let clip, let notify):
                if Int(clip) < clips.clips.count, !clips.clips[Int(clip)].isEmpty {
                    current = c
                    clipCursor = 0
                    if notify { _ = reports.tryPush(.inputStarted(atNs: nowNs)) }
                    return
                }
                if notify { _ = reports.tryPush(.sent(atNs: nowNs)) }
            case .dtmf(let event, let ms, _):
                current = c
                _ = dtmf.start(event: event, durationSamples: Int(ms) * 8, timestamp: timestamp)
                _ = reports.tryPush(.inputStarted(atNs: nowNs))
                return
            case .gap(let ms, _):
                current = c
                gapTicks = max(1, Int(ms) / Self.ptimeMs)
                return
            }
        }
    }

    func complete(notify: Bool, atNs: UInt64) {
        current = nil
        if notify { _ = reports.tryPush(.sent(atNs: atNs)) }
    }

    /// `silent`: the caller says nothing this tick (`frame` is not filled in).
    func sendAudio(silent: Bool) {
        let header = RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequence,
                               timestamp: timestamp, ssrc: ssrc)
        marker = false
        let size: Int
        if silent && lineIsClean {
            let silence = silencePayload
            var bytes = packet.mutableSpan
            size = header.writePacket(into: &bytes, payload: silence.span)
        } else {
            if silent {
                for i in 0..<Self.frameSamples { frame[i] = 0 }
            }
            do {
                var out = frame.mutableSpan
                line.transmit(&out)
            }
            do {
                var codes = payload.mutableSpan
                _ = try? G711.encode(law, frame.span, into: &codes)
            }
            var bytes = packet.mutableSpan
            size = header.writePacket(into: &bytes, payload: payload.span)
        }
        transmit(size)
        timestamp &+= UInt32(Self.frameSamples)
    }

    func sendEvent(_ p: TelephoneEventSender.Packet, payloadType: UInt8) {
        let header = RTPHeader(marker: p.marker, payloadType: payloadType, sequenceNumber: sequence,
                               timestamp: p.timestamp, ssrc: ssrc)
        var bytes = packet.mutableSpan
        _ = header.write(into: &bytes)
        let written = p.payload.write(into: &bytes, at: RTPHeader.fixedSize)
        transmit(RTPHeader.fixedSize + written)
    }

    func transmit(_ size: Int) {
        sequence &+= 1
        guard size > 0 else { return }
        let packet = self.packet   // a reference, not a copy
        let bytes = packet.span.extracting(0..<size)
        let result = connected ? socket.send(bytes) : socket.send(bytes, to: remote)
        // Relaxed: statistics only.
        switch result {
        case .sent:
            packetsSent.wrappingAdd(1, ordering: .relaxed)
        case .wouldBlock:
            sendFailures.wrappingAdd(1, ordering: .relaxed)
            sendWouldBlocks.wrappingAdd(1, ordering: .relaxed)
        case .failed:
            sendFailures.wrappingAdd(1, ordering: .relaxed)
        }
    }
}
