import Foundation
import ParleyAdmin
import ParleyCall
import ParleyCampaign

/// The admin API's campaign routes over the daemon's `CampaignManager`.
extension DaemonAdminBackend {
    func createCampaign(json body: [UInt8]) async throws(AdminError) -> AdminCampaign {
        let manager = try requireCampaigns()
        do { return Self.admin(try await manager.create(json: body)) } catch { throw Self.adminError(error) }
    }

    func campaign(id: String) async throws(AdminError) -> AdminCampaign {
        let manager = try requireCampaigns()
        do { return Self.admin(try await manager.snapshot(id: id)) } catch { throw Self.adminError(error) }
    }

    func pauseCampaign(id: String) async throws(AdminError) -> AdminCampaign {
        let manager = try requireCampaigns()
        do { return Self.admin(try await manager.pause(id: id)) } catch { throw Self.adminError(error) }
    }

    func resumeCampaign(id: String) async throws(AdminError) -> AdminCampaign {
        let manager = try requireCampaigns()
        do { return Self.admin(try await manager.resume(id: id)) } catch { throw Self.adminError(error) }
    }

    func stopCampaign(id: String) async throws(AdminError) -> AdminCampaign {
        let manager = try requireCampaigns()
        do { return Self.admin(try await manager.stop(id: id)) } catch { throw Self.adminError(error) }
    }

    func campaigns() async throws(AdminError) -> [AdminCampaign] {
        let manager = try requireCampaigns()
        return await manager.list().map(Self.admin)
    }

    func campaignReport(id: String, format: String) async throws(AdminError) -> (contentType: String, body: String) {
        let manager = try requireCampaigns()
        let report: CampaignReport
        do { report = try await manager.report(id: id) } catch { throw Self.adminError(error) }
        switch format {
        case "html": return ("text/html; charset=utf-8", report.html())
        case "csv": return ("text/csv; charset=utf-8", report.csv())
        case "json", "": return ("application/json", report.json())
        default: throw AdminError(.invalidRequest, "unknown report format '\(format)'; use json, csv or html")
        }
    }

    func requireCampaigns() throws(AdminError) -> CampaignManager {
        guard let campaigns else { throw AdminError(.notImplemented, "campaigns are not enabled on this node") }
        return campaigns
    }

    static func admin(_ s: CampaignSnapshot) -> AdminCampaign {
        var counts = s.outcomes
        counts["contacts"] = s.contacts
        counts["finished"] = s.finished
        counts["in_flight"] = s.inFlight
        return AdminCampaign(id: s.id, name: s.id, state: s.state.rawValue, counts: counts)
    }

    static func adminError(_ error: CampaignManagerError) -> AdminError {
        let code: AdminError.Code = switch error.code {
        case .notFound: .notFound
        case .conflict: .conflict
        case .invalidRequest, .invalidDefinition: .invalidRequest
        case .internalError: .internalError
        }
        return AdminError(code, error.message)
    }
}
