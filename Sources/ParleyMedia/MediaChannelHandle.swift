import ParleyCodecs
import ParleyRealtime
import Synchronization

/// The control plane's side of one channel: send commands, read events, drain the
/// recognizer audio, read statistics, close. Thread-safe: a mutex serialises the
/// control-plane ends of the rings (the media thread never takes it).
public final class MediaChannelHandle: Sendable {
    let engine: MediaEngine
    let channel: MediaChannel
    let thread: Int
    let slot: Int32
    /// Guards the producer end of `commands` and the consumer ends of the other rings.
    private let ends = Mutex<MediaStatsSnapshot?>(nil)
    private let closed = Atomic<Bool>(false)

    init(engine: MediaEngine, channel: MediaChannel, thread: Int, slot: Int32) {
        self.engine = engine
        self.channel = channel
        self.thread = thread
        self.slot = slot
    }

    public var id: UInt32 { channel.id }
    /// Where the peer should send RTP (RTCP is on the port above).
    public var localAddress: SocketAddress { channel.rtpSocket.localAddress }
    public var rtcpAddress: SocketAddress { channel.rtcpSocket.localAddress }
    public var ssrc: UInt32 { channel.ssrc }
    public var configuration: MediaChannelConfiguration { channel.configuration }
    public var prompts: PromptTable { channel.prompts }

    /// Queues a command for the next tick; false when the command ring is full.
    @discardableResult
    public func send(_ command: MediaCommand) -> Bool {
        ends.withLock { _ in channel.commands.tryPush(command) }
    }

    @discardableResult
    public func play(_ prompt: UInt16, bargeIn: BargeInMode = .immediate, startMs: Int = 0,
                     replace: Bool = false) -> Bool {
        send(.play(prompt: prompt, bargeIn: bargeIn, startMs: Int32(clamping: startMs), replace: replace))
    }

    /// The next event, or nil when none is waiting.
    public func pollEvent() -> MediaEvent? {
        // An empty ring (most polls) answers without the lock: `approximateCount` reads both
        // indices with acquire (any thread may), and an element seen there is popped below.
        guard channel.events.approximateCount > 0 else { return nil }
        return ends.withLock { _ in channel.events.tryPop() }
    }

    /// Waits for the next event up to `timeoutMs` (polls every `pollMs`; the media side
    /// never blocks on the control plane). nil on timeout.
    public func nextEvent(timeoutMs: Int, pollMs: Int = 2) async -> MediaEvent? {
        let deadline = Monotonic.nowNs() + UInt64(max(0, timeoutMs)) * 1_000_000
        while true {
            if let event = pollEvent() { return event }
            if Monotonic.nowNs() >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(pollMs))
        }
    }

    /// Waits for an event matching `predicate`, returning it and the events passed over.
    public func waitFor(timeoutMs: Int, _ predicate: (MediaEvent) -> Bool) async -> (MediaEvent?, [MediaEvent]) {
        let deadline = Monotonic.nowNs() + UInt64(max(0, timeoutMs)) * 1_000_000
        var skipped: [MediaEvent] = []
        while true {
            let left = deadline > Monotonic.nowNs() ? Int((deadline - Monotonic.nowNs()) / 1_000_000) : 0
            guard let event = await nextEvent(timeoutMs: left) else { return (nil, skipped) }
            if predicate(event) { return (event, skipped) }
            skipped.append(event)
        }
    }

    /// Events as an AsyncStream (polling; ends after `closed`).
    public func eventStream(pollMs: Int = 5) -> AsyncStream<MediaEvent> {
        AsyncStream { continuation in
            let task = Task {
                while !Task.isCancelled {
                    if let event = pollEvent() {
                        continuation.yield(event)
                        if event == .closed { break }
                    } else {
                        try? await Task.sleep(for: .milliseconds(pollMs))
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Every waiting frame of cleaned caller audio to `body`, in order, under one lock
    /// (a pump draining many channels takes the lock once per channel, not once per frame
    /// plus once for the empty ring). Returns the frame count. `body` must not call back
    /// into this handle.
    @discardableResult
    public func readRecognizerFrames(_ body: (borrowing RecognizerFrame) -> Void) -> Int {
        guard channel.recognizerAudio.approximateCount > 0 else { return 0 }
        return ends.withLock { _ in channel.recognizerAudio.popAll(body) }
    }

    /// Appends every waiting frame's samples to `samples`; returns the frame count.
    @discardableResult
    public func drainRecognizerAudio(into samples: inout [Int16]) -> Int {
        readRecognizerFrames { frame in
            for i in 0..<Int(frame.sampleCount) { samples.append(frame.samples[i]) }
        }
    }

    /// Frames the recognizer ring refused because it was full.
    public var recognizerFramesDropped: UInt64 { channel.recognizerAudio.droppedCount }

    /// The newest statistics snapshot published (after `.requestStats` → `statsReady`,
    /// and at close), or the last one seen.
    public func latestStats() -> MediaStatsSnapshot? {
        ends.withLock { last in
            while let s = channel.stats.tryPop() { last = s }
            return last
        }
    }

    /// The `X-RTP-Stat` summary from the latest snapshot.
    public func statSummary() -> RTPStatSummaryText? {
        guard let s = latestStats() else { return nil }
        let name = channel.configuration.codec.encodingName
        return RTPStatSummaryText(s.summary(encoderName: name, decoderName: name,
                                            clockRate: channel.configuration.codec.rtpClockRateHz).headerValue)
    }

    /// A handle dropped without `close()` closes its channel.
    deinit { close() }

    /// Takes the channel off its media thread (it reports `closed`). Idempotent.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        engine.close(thread: thread, slot: slot)
    }
}

/// The `X-RTP-Stat` header value.
public struct RTPStatSummaryText: Sendable, Equatable {
    public var value: String
    init(_ value: String) { self.value = value }
}
