@testable import ParleySIP

/// A manual clock that performs transaction actions: it arms timers at absolute times,
/// records sends and deliveries with their times, and fires due timers in time order.
struct ManualClock {
    var nowMs = 0
    var deadlines: [TransactionTimer: Int] = [:]
    var sent: [(atMs: Int, message: SIPMessage)] = []
    var delivered: [SIPMessage] = []
    var fired: [(atMs: Int, timer: TransactionTimer)] = []
    var timedOut = false
    var transportFailed = false
    var terminatedAtMs: Int?

    mutating func apply(_ actions: [TransactionAction]) {
        for a in actions {
            switch a {
            case let .send(m): sent.append((nowMs, m))
            case let .startTimer(t, delay): deadlines[t] = nowMs + delay
            case let .cancelTimer(t): deadlines[t] = nil
            case let .deliver(m): delivered.append(m)
            case .timeout: timedOut = true
            case .transportError: transportFailed = true
            case .terminated:
                terminatedAtMs = nowMs
                deadlines.removeAll()
            }
        }
    }

    /// Advances time to `targetMs`, firing due timers (earliest first) through `handle`.
    mutating func advance(to targetMs: Int, _ handle: (TransactionTimer) -> [TransactionAction]) {
        while let (timer, at) = deadlines.min(by: { $0.value < $1.value }), at <= targetMs {
            nowMs = at
            deadlines[timer] = nil
            fired.append((at, timer))
            apply(handle(timer))
        }
        nowMs = max(nowMs, targetMs)
    }

    func firedTimes(_ t: TransactionTimer) -> [Int] { fired.filter { $0.timer == t }.map(\.atMs) }
}

enum Sample {
    static func request(_ method: SIPMethod, branch: String = "z9hG4bKabc", cseq: UInt32 = 1,
                        host: String = "client.example.com") -> SIPMessage {
        var m = SIPMessage.request(method, uri: SIPURI(user: "bot", host: "127.0.0.1", port: 5060))
        m.add(.via, "SIP/2.0/UDP \(host):5060;branch=\(branch)")
        m.add(.maxForwards, "70")
        m.add(.from, "<sip:caller@example.com>;tag=from1")
        m.add(.to, "<sip:bot@127.0.0.1>")
        m.add(.callID, "call-1@example.com")
        m.add(.cseq, "\(cseq) \(method.name)")
        return m
    }

    static func response(_ code: Int, to request: SIPMessage, toTag: String? = "to1") -> SIPMessage {
        SIPMessage.response(to: request, statusCode: code, toTag: toTag)
    }
}
