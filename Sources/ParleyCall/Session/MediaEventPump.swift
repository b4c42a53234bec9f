import Foundation
import ParleyMedia
import ParleyRealtime
import Synchronization

/// One control-plane thread that collects every open channel's media events and
/// recognizer audio each `periodMs`, instead of a polling task per call, and at once when
/// a media thread raises `wake` after a tick that emitted events (the end of a caller's
/// turn reaches its session in well under a millisecond, not up to a period later).
/// Events go to the call's sink (which queues them for its session); audio goes to the
/// call's `RecognizerTap`. Media threads never wait for it: a slow pump only fills their
/// rings, which drop and count.
final class MediaEventPump: Sendable {
    struct Entry: Sendable {
        let handle: MediaChannelHandle
        let tap: RecognizerTap
        let sink: @Sendable (MediaEvent) -> Void
    }

    /// The channels by id, and the same entries as a list the loop takes each period
    /// without building a new array (add and remove are rare next to the periods).
    private struct Channels {
        var byID: [UInt32: Entry] = [:]
        var list: [Entry] = []
    }

    let periodMs: Int
    let wake: WakeSignal?
    private let entries = Mutex(Channels())
    private let running = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    init(periodMs: Int = 10, wake: WakeSignal? = nil) {
        self.periodMs = periodMs
        self.wake = wake
    }

    func start() {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            ThreadName.setCurrent("parley-pump")
            loop()
        }
        thread.name = "parley-pump"
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        wake?.signal()
    }

    func add(_ handle: MediaChannelHandle, tap: RecognizerTap, sink: @escaping @Sendable (MediaEvent) -> Void) {
        let entry = Entry(handle: handle, tap: tap, sink: sink)
        entries.withLock { channels in
            if channels.byID.updateValue(entry, forKey: handle.id) != nil {
                channels.list.removeAll { $0.handle.id == handle.id }
            }
            channels.list.append(entry)
        }
    }

    /// Stops pumping the channel; the events still queued on it are delivered first.
    func remove(_ handle: MediaChannelHandle) {
        let removed = entries.withLock { channels -> Entry? in
            guard let entry = channels.byID.removeValue(forKey: handle.id) else { return nil }
            channels.list.removeAll { $0.handle.id == handle.id }
            return entry
        }
        guard let entry = removed else { return }
        drain(entry)
    }

    var channelCount: Int { entries.withLock { $0.byID.count } }

    /// A pass each period, and one whenever the media threads raise `wake` in between
    /// (the periodic schedule stays as it was).
    private func loop() {
        var next = Monotonic.nowNs()
        let period = UInt64(periodMs) * 1_000_000
        while !stopped.load(ordering: .acquiring) {
            let snapshot = entries.withLock { $0.list }
            for entry in snapshot { drain(entry) }
            let now = Monotonic.nowNs()
            if now >= next {
                next += period
                if next <= now { next = now + period }
            }
            if let wake {
                wake.wait(timeoutNs: next - now)
            } else {
                usleep(UInt32((next - now) / 1000))
            }
        }
    }

    private func drain(_ entry: Entry) {
        entry.handle.readRecognizerFrames { entry.tap.feed($0) }
        while let event = entry.handle.pollEvent() { entry.sink(event) }
    }
}
