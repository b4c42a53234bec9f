import Foundation
import ParleyAdmin
import ParleyCampaign
import ParleyRealtime
import ParleyStore

/// The admin API's campaign routes over a `CampaignManager` — what `run-local
/// --admin-listen` serves, and the mapping a daemon's `AdminBackend` can delegate its
/// campaign methods to (`CampaignAdminBackend.adminCampaign`, `.adminError`, `.report`).
/// Call routes answer as a node with no calls.
final class CampaignAdminBackend: AdminBackend {
    let manager: CampaignManager
    let started = Date()

    init(manager: CampaignManager) { self.manager = manager }

    /// Starts an admin server for `manager` on `listen` (`127.0.0.1:0` picks a port) and
    /// prints `parley: admin=HOST:PORT` on stdout.
    static func serve(manager: CampaignManager, listen: String, token: String?) throws -> AdminServer {
        guard let address = SocketAddress(parsing: listen) else {
            throw CampaignManagerError(.invalidRequest, "--admin-listen: expected HOST:PORT, got '\(listen)'")
        }
        let server = AdminServer(configuration: .init(listenAddress: address, token: token),
                                 backend: CampaignAdminBackend(manager: manager),
                                 metrics: MetricsRegistry(constantLabels: ["node": "local"]))
        try server.start()
        let line = "parley: admin=\(server.localAddress.map { "\($0)" } ?? listen)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        return server
    }

    static func adminCampaign(_ s: CampaignSnapshot) -> AdminCampaign {
        var counts = s.outcomes
        counts["contacts"] = s.contacts
        counts["finished"] = s.finished
        counts["in_flight"] = s.inFlight
        counts["placed"] = s.placedByThisRun
        return AdminCampaign(id: s.id, name: s.id, state: s.state.rawValue, counts: counts)
    }

    static func adminError(_ e: CampaignManagerError) -> AdminError {
        switch e.code {
        case .invalidRequest, .invalidDefinition: return AdminError(.invalidRequest, e.message)
        case .notFound: return AdminError(.notFound, e.message)
        case .conflict: return AdminError(.conflict, e.message)
        case .internalError: return AdminError(.internalError, e.message)
        }
    }

    static func report(_ r: CampaignReport, format: String) -> (contentType: String, body: String) {
        switch format {
        case "csv": return ("text/csv; charset=utf-8", r.csv())
        case "html": return ("text/html; charset=utf-8", r.html())
        default: return ("application/json", r.json())
        }
    }

    func status() async -> AdminStatus {
        AdminStatus(nodeId: "local", version: "parley run-local", uptimeSeconds: Date().timeIntervalSince(started),
                    activeCalls: await manager.list().reduce(0) { $0 + $1.inFlight }, draining: false)
    }

    func calls(activeOnly: Bool) async throws(AdminError) -> [AdminCallSummary] { [] }
    func call(id: String) async throws(AdminError) -> AdminCallDetail { throw AdminError(.notFound, "no such call") }
    func hangUp(callId: String) async throws(AdminError) { throw AdminError(.notFound, "no such call") }
    func startDrain() async -> AdminDrainState { AdminDrainState(draining: false, activeCalls: 0) }
    func reloadScripts() async -> ScriptReloadResult { .accepted(scripts: []) }
    func exportCalls(matching query: CallQuery) async throws(AdminError) -> [CallRow] { [] }

    func createCampaign(json body: [UInt8]) async throws(AdminError) -> AdminCampaign {
        do throws(CampaignManagerError) { return Self.adminCampaign(try await manager.create(json: body)) } catch {
            throw Self.adminError(error)
        }
    }

    func campaign(id: String) async throws(AdminError) -> AdminCampaign {
        do throws(CampaignManagerError) { return Self.adminCampaign(try await manager.snapshot(id: id)) } catch {
            throw Self.adminError(error)
        }
    }

    func pauseCampaign(id: String) async throws(AdminError) -> AdminCampaign {
        do throws(CampaignManagerError) { return Self.adminCampaign(try await manager.pause(id: id)) } catch {
            throw Self.adminError(error)
        }
    }

    func resumeCampaign(id: String) async throws(AdminError) -> AdminCampaign {
        do throws(CampaignManagerError) { return Self.adminCampaign(try await manager.resume(id: id)) } catch {
            throw Self.adminError(error)
        }
    }

    func stopCampaign(id: String) async throws(AdminError) -> AdminCampaign {
        do throws(CampaignManagerError) { return Self.adminCampaign(try await manager.stop(id: id)) } catch {
            throw Self.adminError(error)
        }
    }

    func campaigns() async throws(AdminError) -> [AdminCampaign] {
        await manager.list().map(Self.adminCampaign)
    }

    func campaignReport(id: String, format: String) async throws(AdminError) -> (contentType: String, body: String) {
        do throws(CampaignManagerError) { return Self.report(try await manager.report(id: id), format: format) } catch {
            throw Self.adminError(error)
        }
    }
}
