import Foundation
import ParleyRealtime

/// A minimal RFC 6455 client over TCP (`ws://`) or TLS over TCP (`wss://`): opening
/// handshake, masked frames, fragmented messages, ping → pong, close.
final class WebSocketClient: @unchecked Sendable {
    enum Message: Sendable, Hashable {
        case text(String)
        case binary([UInt8])
    }

    struct Endpoint: Sendable, Hashable {
        var host: String
        var port: Int
        var path: String
        /// wss:// (TLS).
        var isSecure: Bool

        init(url: String) throws(SpeechError) {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                  let host = components.host, !host.isEmpty else {
                throw SpeechError(.engineUnavailable, "not a WebSocket URL: \(url)")
            }
            guard scheme == "ws" || scheme == "wss" else {
                throw SpeechError(.engineUnavailable, "\(scheme):// is not supported (ws:// or wss://)")
            }
            self.host = host
            isSecure = scheme == "wss"
            port = components.port ?? (isSecure ? 443 : 80)
            path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        }
    }

    private let connection: any ByteStream
    private var parser = WebSocketFrameParser()
    private var fragments: [UInt8] = []
    private var fragmentOpcode: WebSocketFrame.Opcode?
    private var generator = SystemRandomNumberGenerator()
    private var frameBuffer: [UInt8] = []
    let sendTimeoutMs: Int

    /// Connects, runs the TLS handshake when `endpoint.isSecure` (with `tls`, which must
    /// then be given), and completes the opening handshake, all within `timeoutMs`.
    init(endpoint: Endpoint, tls: TLSContext?, timeoutMs: Int, sendTimeoutMs: Int) throws(StreamConnectFailure) {
        self.sendTimeoutMs = sendTimeoutMs
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        let tcp: TCPStream
        do { tcp = try TCPStream(host: endpoint.host, port: endpoint.port, timeoutMs: timeoutMs) } catch {
            throw StreamConnectFailure(error)
        }
        if endpoint.isSecure {
            guard let tls else {
                throw StreamConnectFailure(SpeechError(.engineUnavailable, "wss:// without a TLS context"), retryable: false)
            }
            do {
                connection = try TLSConnection(over: tcp, context: tls, host: endpoint.host, port: endpoint.port,
                                               deadline: deadline)
            } catch {
                throw StreamConnectFailure(error)
            }
        } else {
            connection = tcp
        }
        do { try openingHandshake(endpoint, deadline: deadline, timeoutMs: timeoutMs) } catch {
            connection.close()
            throw StreamConnectFailure(error)
        }
    }

    private func openingHandshake(_ endpoint: Endpoint, deadline: ContinuousClock.Instant,
                                  timeoutMs: Int) throws(SpeechError) {
        var keyBytes = [UInt8](repeating: 0, count: 16)
        for index in keyBytes.indices { keyBytes[index] = UInt8.random(in: 0...255, using: &generator) }
        let handshake = WebSocketHandshake(host: endpoint.host, port: endpoint.port, path: endpoint.path, keyBytes: keyBytes)
        try streamSend(handshake.request, timeoutMs: max(1, millisecondsUntil(deadline)))
        var response: [UInt8] = []
        while true {
            let remainingMs = millisecondsUntil(deadline)
            guard remainingMs > 0 else { throw SpeechError(.timeout, "no handshake answer within \(timeoutMs) ms") }
            guard let bytes = try streamReceive(maximumBytes: 4096, timeoutMs: remainingMs) else { continue }
            response += bytes
            do {
                if let used = try handshake.validate(response) {
                    parser.append(response[used...])
                    return
                }
            } catch {
                throw SpeechError(.protocolViolation, "handshake: \(error.code.rawValue) \(error.detail)")
            }
        }
    }

    func sendText(_ text: String) throws(SpeechError) {
        try sendFrame(.text, payload: Array(text.utf8))
    }

    /// Sends `samples[0..<count]` as little-endian 16-bit PCM in one binary frame.
    func sendPCM(_ samples: [Int16], count: Int) throws(SpeechError) {
        var payload = [UInt8](repeating: 0, count: 2 * count)
        for index in 0..<count {
            let value = UInt16(bitPattern: samples[index])
            payload[2 * index] = UInt8(truncatingIfNeeded: value)
            payload[2 * index + 1] = UInt8(value >> 8)
        }
        try sendFrame(.binary, payload: payload)
    }

    /// The next data message; nil when none arrived within `timeoutMs`.
    func receive(timeoutMs: Int) throws(SpeechError) -> Message? {
        while true {
            if let message = try nextBufferedMessage() { return message }
            guard let bytes = try streamReceive(maximumBytes: 65_536, timeoutMs: timeoutMs) else { return nil }
            parser.append(bytes)
        }
    }

    func close() {
        try? sendFrame(.close, payload: [0x03, 0xE8]) // 1000 normal closure
        connection.close()
    }

    private func nextBufferedMessage() throws(SpeechError) -> Message? {
        while true {
            let frame: WebSocketFrame?
            do { frame = try parser.next() } catch {
                throw SpeechError(.protocolViolation, "frame: \(error.code.rawValue)")
            }
            guard let frame else { return nil }
            switch frame.opcode {
            case .ping:
                try sendFrame(.pong, payload: frame.payload)
            case .pong:
                continue
            case .close:
                connection.close()
                throw SpeechError(.connectionLost, "the server closed the WebSocket")
            case .text, .binary:
                guard fragmentOpcode == nil else { throw SpeechError(.protocolViolation, "new message inside a fragmented one") }
                if frame.fin { return message(frame.opcode, frame.payload) }
                fragmentOpcode = frame.opcode
                fragments = frame.payload
            case .continuation:
                guard let opcode = fragmentOpcode else { throw SpeechError(.protocolViolation, "continuation without a message") }
                fragments += frame.payload
                guard fragments.count <= parser.maximumPayloadBytes else {
                    throw SpeechError(.protocolViolation, "message too long")
                }
                if frame.fin {
                    fragmentOpcode = nil
                    return message(opcode, fragments)
                }
            }
        }
    }

    private func message(_ opcode: WebSocketFrame.Opcode, _ payload: [UInt8]) -> Message {
        opcode == .text ? .text(String(decoding: payload, as: UTF8.self)) : .binary(payload)
    }

    private func sendFrame(_ opcode: WebSocketFrame.Opcode, payload: [UInt8]) throws(SpeechError) {
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
        frameBuffer.removeAll(keepingCapacity: true)
        WebSocketFrame.encode(opcode, payload: payload, maskKey: mask, into: &frameBuffer)
        try streamSend(frameBuffer, timeoutMs: sendTimeoutMs)
    }

    private func streamSend(_ bytes: [UInt8], timeoutMs: Int) throws(SpeechError) {
        do { try connection.send(bytes, timeoutMs: timeoutMs) } catch { throw SpeechError(error) }
    }

    private func streamReceive(maximumBytes: Int, timeoutMs: Int) throws(SpeechError) -> [UInt8]? {
        do { return try connection.receive(maximumBytes: maximumBytes, timeoutMs: timeoutMs) } catch {
            throw SpeechError(error)
        }
    }
}
