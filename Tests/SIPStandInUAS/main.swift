// parley-sip-standin — a tiny UAS on SIPStack for the network-namespace harness
// (Scripts/netns/): it stands in for parleyd where the daemon is not wanted or not ready.
// It listens on UDP and TCP, rejects every INVITE with 486, answers OPTIONS (the stack's
// responder) and prints `parley-sip-standin: ready sip=HOST:PORT` once bound. On SIGTERM it
// prints its counters as one JSON line on stdout and exits 0.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ParleyRealtime
import ParleySIP

final class BusyUAS: SIPStackDelegate {
    func sipStack(_ stack: SIPStack, incomingCall call: SIPCallHandle, invite: SIPMessage) {
        stack.reject(call, statusCode: 486)
    }
    func sipStack(_ stack: SIPStack, call: SIPCallHandle, event: SIPCallEvent) {}
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("parley-sip-standin: " + message + "\n").utf8))
    exit(2)
}

var listen = "127.0.0.1:0"
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--sip-listen":
        guard let value = arguments.popFirst() else { fail("--sip-listen needs HOST:PORT") }
        listen = value
    default:
        fail("usage: parley-sip-standin [--sip-listen HOST:PORT]")
    }
}
guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]),
      let address = SocketAddress(host: String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
                                  port: port) else {
    fail("bad --sip-listen \(listen)")
}

let loop: EventLoop
let stack: SIPStack
let delegate = BusyUAS()
do {
    loop = try EventLoop()
    // Like the daemon: responses go where RFC 3261 §18.2.2 says (the namespace keeps them in).
    let transport = SIPTransport(loop: loop, configuration: SIPTransportConfiguration(loopbackOnly: false))
    let udp = try transport.bindUDP(address)
    _ = try transport.listenTCP(SocketAddress(host: address.host, port: udp.port) ?? address)
    stack = SIPStack(transport: transport, configuration: SIPStackConfiguration(localHost: address.host))
    stack.delegate = delegate
    try stack.start()
    try loop.start(name: "sip-standin")
    FileHandle.standardOutput.write(Data("parley-sip-standin: ready sip=\(address.host):\(udp.port)\n".utf8))
} catch {
    fail("cannot start: \(error)")
}

signal(SIGTERM, SIG_IGN)
let term = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
term.setEventHandler {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var line = ""
    loop.execute {
        let c = stack.counters
        line = "{\"requests\":\(c.requestsReceived),\"bad_requests_answered\":\(c.badRequestsAnswered),"
            + "\"malformed_dropped\":\(c.malformedDropped),\"calls_started\":\(c.callsStarted),"
            + "\"refused_non_loopback_sends\":\(stack.transport.counters.refusedNonLoopbackSends)}"
        done.signal()
    }
    done.wait()
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
    exit(0)
}
term.resume()
dispatchMain()
