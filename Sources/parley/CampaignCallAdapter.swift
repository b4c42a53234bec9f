import Foundation
import ParleyCall
import ParleyCampaign
import Synchronization

/// Places campaign attempts through the call layer (`CallManager.placeCall`): the adapter
/// between ParleyCampaign's `CampaignCallPlacing` and ParleyCall's outbound calls, used by
/// `parley campaign run-local --daemon-config` (a daemon can use the same mapping).
struct CampaignCallAdapter: CampaignCallPlacing {
    let manager: CallManager

    func place(_ r: CampaignCallRequest) async -> CampaignCallResult {
        let screen = AnswerScreen(configuration: r.amd, leaveVoicemail: r.leaveVoicemail)
        let request = OutboundCallRequest(
            attemptID: r.attemptID, number: r.number, trunk: r.trunk, callerID: r.callerID, scriptPath: r.script,
            variables: r.variables, variant: r.variant, ringTimeoutMs: r.ringTimeoutSec * 1000, screen: screen)
        // A stopped campaign lets calls already placed run to their end (the call layer has
        // no cancel by attempt id yet); their outcomes are recorded as usual.
        return Self.result(await manager.placeCall(request))
    }

    static func result(_ o: OutboundCallResult) -> CampaignCallResult {
        let amd = o.amdVerdict.flatMap(AMDVerdict.init(rawValue:))
        let outcome: AttemptOutcome
        if o.answered {
            outcome = CampaignCallResult.classifyAnswered(amd: amd, voicemailLeft: o.voicemailLeft, completed: o.completed)
        } else if o.disposition == "invalid_number" {
            outcome = .invalidNumber
        } else {
            outcome = CampaignCallResult.classifyFailure(sipStatus: o.sipStatus, afterRingTimeout: o.ringTimedOut)
        }
        return CampaignCallResult(
            sipStatus: o.sipStatus, outcome: outcome, amd: amd, amdDecisionMs: o.amdDecisionMs,
            voicemailLeft: o.voicemailLeft, callID: o.callId, sipCallID: o.sipCallId, disposition: o.disposition,
            tags: o.tags, answeredAt: o.answeredAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) })
    }
}

/// The call layer's answer screen over `AnswerAnalyzer`: 10 ms frames of the callee's audio
/// in, one decision out (converse, leave the message after the beep, hang up).
final class AnswerScreen: OutboundAnswerScreen {
    let analyzer: Mutex<AnswerAnalyzer>

    init(configuration: AMDConfiguration, leaveVoicemail: Bool) {
        analyzer = Mutex(AnswerAnalyzer(configuration: configuration, leaveVoicemail: leaveVoicemail))
    }

    func screen(_ frame: [Int16]) -> OutboundScreenDecision? {
        let action = analyzer.withLock { $0.process(frame.span) }
        switch action {
        case .startDialogue?: return .converse
        case .leaveVoicemail?: return .leaveMessage
        case .hangUp?: return .hangUp
        case .decided?, nil: return nil
        }
    }

    var verdict: (name: String, decisionMs: Int)? {
        analyzer.withLock { a in a.decision.map { ($0.verdict.rawValue, $0.atMs) } }
    }
}
