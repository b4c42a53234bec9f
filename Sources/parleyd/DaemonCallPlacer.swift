import Foundation
import ParleyCall
import ParleyCampaign
import Synchronization

/// The campaign runner's dialer over the daemon's call layer: each attempt is one
/// `CallManager.placeCall`, screened on answer by the campaign's `AnswerAnalyzer`.
/// An attempt id asked for twice is dialled once (the second caller gets the first result);
/// cancelling the asking task stops the attempt (CANCEL or BYE).
final class DaemonCallPlacer: CampaignCallPlacing {
    let manager: CallManager
    private let attempts = Mutex<[String: Task<CampaignCallResult, Never>]>([:])

    init(manager: CallManager) {
        self.manager = manager
    }

    func place(_ request: CampaignCallRequest) async -> CampaignCallResult {
        let task = attempts.withLock { table -> Task<CampaignCallResult, Never> in
            if let running = table[request.attemptID] { return running }
            let manager = self.manager
            let task = Task { await Self.dial(request, manager: manager) }
            table[request.attemptID] = task
            return task
        }
        let manager = self.manager
        let result = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            manager.cancelOutbound(attemptID: request.attemptID)
        }
        // Keep finished results for late duplicates only for a while (bounded table).
        attempts.withLock { table in if table.count > 10_000 { table.removeAll() } }
        return result
    }

    static func dial(_ request: CampaignCallRequest, manager: CallManager) async -> CampaignCallResult {
        let screen = AnalyzerScreen(AnswerAnalyzer(configuration: request.amd, leaveVoicemail: request.leaveVoicemail))
        var variables = request.variables
        if let variant = request.variant { variables["variant"] = variant }
        let result = await manager.placeCall(OutboundCallRequest(
            attemptID: request.attemptID, number: request.number, trunk: request.trunk, callerID: request.callerID,
            scriptPath: request.script, variables: variables, variant: request.variant,
            ringTimeoutMs: request.ringTimeoutSec * 1000, screen: screen))
        let amd = screen.decision?.verdict
        let outcome = result.answered
            ? CampaignCallResult.classifyAnswered(amd: amd, voicemailLeft: result.voicemailLeft, completed: result.completed)
            : CampaignCallResult.classifyFailure(sipStatus: result.sipStatus, afterRingTimeout: result.ringTimedOut)
        return CampaignCallResult(
            sipStatus: result.sipStatus, outcome: outcome, amd: amd, amdDecisionMs: result.amdDecisionMs,
            voicemailLeft: result.voicemailLeft, callID: result.callId, sipCallID: result.sipCallId,
            disposition: result.disposition, tags: result.tags,
            answeredAt: result.answeredAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) })
    }
}

/// `AnswerAnalyzer` (a pure state machine) behind the call layer's screen protocol.
final class AnalyzerScreen: OutboundAnswerScreen {
    struct State {
        var analyzer: AnswerAnalyzer
        var decision: AMDDecision?
    }
    private let state: Mutex<State>

    init(_ analyzer: AnswerAnalyzer) {
        state = Mutex(State(analyzer: analyzer))
    }

    var decision: AMDDecision? { state.withLock { $0.decision } }

    func screen(_ frame: [Int16]) -> OutboundScreenDecision? {
        state.withLock { s -> OutboundScreenDecision? in
            guard let action = s.analyzer.process(frame.span) else { return nil }
            switch action {
            case .decided(let d):
                s.decision = d
                return nil
            case .startDialogue(let d):
                s.decision = d
                return .converse
            case .leaveVoicemail(let d, _, _):
                s.decision = d
                return .leaveMessage
            case .hangUp(let d, _):
                s.decision = d
                return .hangUp
            }
        }
    }

    var verdict: (name: String, decisionMs: Int)? {
        state.withLock { s in s.decision.map { ("\($0.verdict)", $0.atMs) } }
    }
}
