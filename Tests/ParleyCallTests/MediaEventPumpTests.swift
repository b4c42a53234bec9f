@testable import ParleyCall
import Foundation
import ParleyMedia
import ParleyRealtime
import Synchronization
import Testing

/// The pump collects media events when a media thread raises the engine's event signal,
/// not only on its period: with a period of a minute, a prompt's start still reaches the
/// sink within moments. (Before, the end of a caller's turn waited for the pump's next
/// pass, up to a media tick, before the session could answer it.)
@Suite struct MediaEventPumpTests {
    @Test func eventsArriveWithoutWaitingForThePeriod() async throws {
        let engine = try MediaEngine(configuration: MediaEngineConfiguration(threadCount: 1, tickMs: 20,
                                                                             portRange: 30240...30259))
        defer { engine.shutdown() }
        let prompts = PromptTable(sampleRateHz: 8000, entries: [
            try PromptTable.entry(name: "tone", samples: [Int16](repeating: 4000, count: 1600), sampleRateHz: 8000),
        ])
        let peer = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        let handle = try engine.openChannel(
            MediaChannelConfiguration(codec: .pcmu, remote: peer.localAddress, listening: nil), prompts: prompts)
        defer { handle.close() }

        let pump = MediaEventPump(periodMs: 60_000, wake: engine.eventSignal)
        pump.start()
        defer { pump.stop() }
        let (events, continuation) = AsyncStream.makeStream(of: MediaEvent.self)
        pump.add(handle, tap: RecognizerTap(prerollMs: 100, sampleRateHz: 8000)) { continuation.yield($0) }
        let started = Monotonic.nowNs()
        #expect(handle.play(0, bargeIn: .off))

        let arrived = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await event in events { if case .promptStarted = event { return true } }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            continuation.finish()
            return first
        }
        #expect(arrived, "the prompt's start did not reach the sink within 5 s (the pump's period is 60 s)")
        print("promptStarted reached the sink \((Monotonic.nowNs() - started) / 1_000_000) ms after play")
    }
}
