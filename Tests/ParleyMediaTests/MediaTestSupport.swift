import Foundation
import ParleyCodecs
import ParleyMedia
import ParleyRTP
import ParleyRealtime
import Synchronization
import Testing

enum MediaFixtures {
    static var root: String {
        if let env = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"] { return env }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repo.appendingPathComponent(".data/fixtures").path
    }

    /// Path of a media fixture; records a clear failure when it is missing.
    static func path(_ name: String) -> String {
        let p = root + "/media/" + name
        if !FileManager.default.fileExists(atPath: p) {
            Issue.record("missing fixture \(p): run Scripts/fixtures.d/40-media.sh (or Scripts/test.sh)")
        }
        return p
    }

    static func pcm8k(_ name: String) throws -> [Int16] {
        try PromptLoader(sampleRateHz: 8000).load(path: path(name)).samples
    }

    static func tone(hz: Double, ms: Int, amplitude: Double = 8000) -> [Int16] {
        (0..<(8 * ms)).map { Int16(amplitude * sin(2 * Double.pi * hz * Double($0) / 8000)) }
    }
}

/// A plain RTP peer on 127.0.0.1: sends prebuilt datagrams one per 20 ms tick from a
/// RealtimeThread, and collects whatever arrives on its socket.
final class TestPeer: @unchecked Sendable {
    let socket: UDPSocket
    private var thread: RealtimeThread?
    let sentCount = Atomic<Int>(0)

    init() throws {
        socket = try UDPSocket.bind(to: .ipv4Loopback(port: 0), receiveBufferBytes: 1 << 20)
    }

    var address: SocketAddress { socket.localAddress }

    /// Starts sending `packets` (one per tick; nil entries send nothing) to `destination`.
    func startSending(_ packets: [[UInt8]?], to destination: SocketAddress, tickMs: Int = 20) throws {
        let socket = self.socket
        let counter = SendCounter(self)
        thread = try RealtimeThread.start(clock: MediaClock(tickMs: tickMs)) { tick in
            let i = counter.next()
            guard i < packets.count, let packet = packets[i] else { return }
            _ = socket.send(packet, to: destination)
        }
    }

    func stop() { _ = thread?.stop() }

    /// Every datagram waiting on the socket.
    func drain() -> [[UInt8]] {
        var out: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while case .datagram(let n, _, _) = socket.receive(into: &buffer) { out.append(Array(buffer[0..<n])) }
        return out
    }

    final class SendCounter: @unchecked Sendable {
        let peer: TestPeer
        var index = 0
        init(_ peer: TestPeer) { self.peer = peer }
        func next() -> Int {
            defer { index += 1 }
            peer.sentCount.wrappingAdd(1, ordering: .relaxed)
            return index
        }
    }

    /// RTP packets of `pcm` in 20 ms G.711 frames.
    static func rtpPackets(_ pcm: [Int16], codec: Codec, ssrc: UInt32 = 0xCAFE, leadingSilentTicks: Int = 0) throws -> [[UInt8]?] {
        let encoder = try AudioEncoder(codec: codec)
        var out: [[UInt8]?] = Array(repeating: nil, count: leadingSilentTicks)
        var frame = 0
        while frame * 160 < pcm.count {
            var chunk = Array(pcm[(frame * 160)..<min(pcm.count, frame * 160 + 160)])
            if chunk.count < 160 { chunk += [Int16](repeating: 0, count: 160 - chunk.count) }
            var payload = [UInt8](repeating: 0, count: 160)
            _ = try encoder.encode(chunk, into: &payload)
            out.append(packet(payloadType: codec.defaultPayloadType, marker: frame == 0, sequence: UInt16(frame),
                              timestamp: UInt32(frame * 160), ssrc: ssrc, payload: payload))
            frame += 1
        }
        return out
    }

    static func packet(payloadType: UInt8, marker: Bool, sequence: UInt16, timestamp: UInt32, ssrc: UInt32,
                       payload: [UInt8]) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 12 + payload.count)
        var out = buffer.mutableSpan
        let h = RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc)
        let n = h.writePacket(into: &out, payload: payload.span)
        return Array(buffer[0..<n])
    }
}

extension MediaChannelHandle {
    /// Waits until `count` recognizer samples have been drained (or the timeout).
    func collectRecognizerAudio(samples count: Int, timeoutMs: Int) async -> [Int16] {
        var audio: [Int16] = []
        let deadline = Monotonic.nowNs() + UInt64(timeoutMs) * 1_000_000
        while audio.count < count && Monotonic.nowNs() < deadline {
            if drainRecognizerAudio(into: &audio) == 0 { try? await Task.sleep(for: .milliseconds(5)) }
        }
        return audio
    }
}

/// Index where `needle` occurs in `haystack`, or nil.
func find(_ needle: ArraySlice<Int16>, in haystack: [Int16]) -> Int? {
    guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle.first! {
        if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
    }
    return nil
}
