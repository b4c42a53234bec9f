import Foundation
import ParleyAdmin
import ParleyCall
import ParleyStore

/// The admin API over the running daemon: its calls, store, scripts and drain.
struct DaemonAdminBackend: AdminBackend {
    let daemon: CallDaemon
    let version: String
    let drain: @Sendable () -> Void

    func status() async -> AdminStatus {
        let uptime = Double(StoreClock.system.nowMs() - daemon.startedAtMs) / 1000
        return AdminStatus(nodeId: daemon.configuration.nodeID, version: version, uptimeSeconds: uptime,
                           activeCalls: daemon.manager.activeCallCount, draining: daemon.manager.isDraining)
    }

    func calls(activeOnly: Bool) async throws(AdminError) -> [AdminCallSummary] {
        let active = daemon.manager.sessions.map { Self.summary($0.summary) }
        if activeOnly { return active.sorted { $0.startedAtMs > $1.startedAtMs } }
        let rows: [CallRow]
        do { rows = try await daemon.services.store.calls(matching: CallQuery(limit: 200)) } catch {
            throw AdminError(.internalError, "store: \(error)")
        }
        let activeIDs = Set(active.map(\.callId))
        return active.sorted { $0.startedAtMs > $1.startedAtMs }
            + rows.filter { !activeIDs.contains($0.callId) }.map(Self.summary)
    }

    func call(id: String) async throws(AdminError) -> AdminCallDetail {
        do {
            let turns = try await daemon.services.store.turns(callId: id)
            if let session = daemon.manager.session(callId: id) {
                return AdminCallDetail(call: Self.summary(session.summary), turns: turns)
            }
            guard let row = try await daemon.services.store.call(id: id) else {
                throw AdminError(.notFound, "no call \(id)")
            }
            return AdminCallDetail(call: Self.summary(row), tags: row.tags, turns: turns)
        } catch let error as AdminError {
            throw error
        } catch {
            throw AdminError(.internalError, "store: \(error)")
        }
    }

    func hangUp(callId: String) async throws(AdminError) {
        guard let session = daemon.manager.session(callId: callId) else {
            if (try? await daemon.services.store.call(id: callId)) != nil {
                throw AdminError(.conflict, "call \(callId) has already ended")
            }
            throw AdminError(.notFound, "no call \(callId)")
        }
        session.post(.hangUp(disposition: "admin_hangup"))
    }

    func startDrain() async -> AdminDrainState {
        drain()
        return AdminDrainState(draining: true, activeCalls: daemon.manager.activeCallCount,
                               deadlineMs: daemon.manager.drainDeadlineMs)
    }

    func reloadScripts() async -> ScriptReloadResult {
        switch daemon.reloadScripts() {
        case .success(let names): return .accepted(scripts: names)
        case .failure(let list):
            return .rejected(diagnostics: list.problems.map {
                ScriptDiagnostic(file: $0.file, line: $0.line, column: $0.column, message: $0.message)
            })
        }
    }

    func exportCalls(matching query: CallQuery) async throws(AdminError) -> [CallRow] {
        do { return try await daemon.services.store.calls(matching: query) } catch {
            throw AdminError(.internalError, "store: \(error)")
        }
    }

    static func summary(_ s: CallSession.Summary) -> AdminCallSummary {
        AdminCallSummary(callId: s.callId, direction: s.direction.rawValue, state: s.state, script: s.script,
                         startedAtMs: s.startedAtMs, answeredAtMs: s.answeredAtMs, endedAtMs: s.endedAtMs,
                         disposition: s.disposition)
    }

    static func summary(_ row: CallRow) -> AdminCallSummary {
        AdminCallSummary(callId: row.callId, direction: row.direction.rawValue, state: "ended", script: row.script,
                         startedAtMs: row.startedAtMs, answeredAtMs: row.answeredAtMs, endedAtMs: row.endedAtMs,
                         disposition: row.disposition)
    }
}
