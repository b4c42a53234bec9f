import Foundation
import ParleyRealtime
import ParleySDP
import ParleySIP
import Synchronization

/// A user agent on the stack for tests: answers INVITEs with an SDP answer from
/// `OfferAnswer`, and follows the Request-URI user as its policy:
/// `bye` hangs up after the ACK, `cancel` rings and never answers, `reject` answers 486,
/// `refer` accepts a REFER with 202 and reports NOTIFY sipfrag 200; anything else answers.
/// INFO dtmf-relay digits are recorded (tests only; never logged).
final class TestUA: SIPStackDelegate, @unchecked Sendable {
    struct Record: Sendable {
        var events: [(SIPCallHandle, SIPCallEvent)] = []
        var incoming: [SIPCallHandle] = []
        var digits: [String] = []
        var negotiated: [NegotiatedMedia] = []
    }

    let log = Mutex(Record())
    /// Loop-thread state.
    var media: [SIPCallHandle: OfferAnswer] = [:]
    var policy: [SIPCallHandle: String] = [:]
    var nextSessionID: UInt64 = 1000
    /// When set, every INVITE is rejected with this status (no dialog, nothing sent to Contact).
    var rejectAllWith: Int?

    func newOfferAnswer() -> OfferAnswer {
        nextSessionID += 1
        return OfferAnswer(configuration: .init(localAddress: "127.0.0.1", localRTPPort: 40_000, sessionID: nextSessionID))
    }

    func sipStack(_ stack: SIPStack, incomingCall call: SIPCallHandle, invite: SIPMessage) {
        log.withLock { $0.incoming.append(call) }
        let user = invite.requestURI?.user ?? ""
        policy[call] = user
        if let status = rejectAllWith {
            stack.reject(call, statusCode: status)
            return
        }
        switch user {
        case "cancel":
            stack.ring(call)
            return
        case "reject":
            stack.reject(call, statusCode: 486)
            return
        default:
            break
        }
        var oa = newOfferAnswer()
        guard let sdp = try? SessionDescription(parsing: invite.body) else {
            stack.reject(call, statusCode: 488)
            return
        }
        for action in oa.handle(.remoteOffer(sdp)) {
            switch action {
            case let .sendAnswer(answer):
                media[call] = oa
                stack.answer(call, body: Array(answer.text.utf8), contentType: "application/sdp")
            case let .negotiated(m):
                log.withLock { $0.negotiated.append(m) }
            case let .reject(error):
                stack.reject(call, statusCode: error.sipStatus)
            default:
                break
            }
        }
    }

    func sipStack(_ stack: SIPStack, call: SIPCallHandle, event: SIPCallEvent) {
        log.withLock { $0.events.append((call, event)) }
        switch event {
        case .established:
            if policy[call] == "bye" || policy[call] == "uac-hangup" { stack.hangup(call) }
        case let .requestReceived(request):
            handleInDialog(stack, call, request)
        case .ended:
            media[call] = nil
        default:
            break
        }
    }

    private func handleInDialog(_ stack: SIPStack, _ call: SIPCallHandle, _ request: SIPMessage) {
        switch request.method {
        case .invite?, .update?:
            guard var oa = media[call], let sdp = try? SessionDescription(parsing: request.body) else {
                stack.respond(call, to: request, statusCode: 488)
                return
            }
            for action in oa.handle(.remoteOffer(sdp)) {
                switch action {
                case let .sendAnswer(answer):
                    stack.respond(call, to: request, statusCode: 200, body: Array(answer.text.utf8), contentType: "application/sdp")
                case let .negotiated(m):
                    log.withLock { $0.negotiated.append(m) }
                case let .reject(error):
                    stack.respond(call, to: request, statusCode: error.sipStatus)
                default:
                    break
                }
            }
            media[call] = oa
        case .info?:
            if request.contentType?.lowercased().hasPrefix(DTMFRelay.contentType) == true,
               let relay = DTMFRelay(body: request.body) {
                log.withLock { $0.digits.append(relay.signal) }
                stack.respond(call, to: request, statusCode: 200)
            } else {
                stack.respond(call, to: request, statusCode: 415)
            }
        case .refer?:
            guard Refer.target(of: request) != nil else {
                stack.respond(call, to: request, statusCode: 400)
                return
            }
            stack.respond(call, to: request, statusCode: 202)
            let notify = Refer.notifyContent(statusCode: 200, referCSeq: request.cseq?.sequence)
            stack.send(call, method: .notify, body: notify.body, contentType: notify.contentType, extraHeaders: notify.headers)
        default:
            stack.respond(call, to: request, statusCode: 200)
        }
    }

    // MARK: reading the log (any thread)

    func endReasons() -> [InviteSession.EndReason] {
        log.withLock { $0.events.compactMap { if case let .ended(r) = $0.1 { r } else { nil } } }
    }

    func count(where predicate: (SIPCallEvent) -> Bool) -> Int {
        log.withLock { $0.events.filter { predicate($0.1) }.count }
    }
}
