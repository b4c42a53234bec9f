// AdminBackend — what the admin API asks of the daemon. parleyd implements it over its
// call sessions, store, script registry and campaign runner; tests use a fake.
// Methods are called from Swift concurrency tasks (never on the event-loop thread).
import ParleyStore

public protocol AdminBackend: Sendable {
    /// Node id, version, uptime, active calls, draining.
    func status() async -> AdminStatus

    /// Calls known to the node; `activeOnly` limits the list to calls in progress.
    func calls(activeOnly: Bool) async throws(AdminError) -> [AdminCallSummary]

    /// One call with tags and turns; `.notFound` when unknown.
    func call(id: String) async throws(AdminError) -> AdminCallDetail

    /// Ends a call in progress (BYE); `.notFound` when unknown, `.conflict` when already ended.
    func hangUp(callId: String) async throws(AdminError)

    /// Starts draining (new calls refused, calls in progress finish). Idempotent.
    func startDrain() async -> AdminDrainState

    /// Re-reads and lints the dialogue scripts; rejected scripts leave the old ones serving.
    func reloadScripts() async -> ScriptReloadResult

    /// Call rows for export (`CallStore.calls(matching:)`).
    func exportCalls(matching query: CallQuery) async throws(AdminError) -> [CallRow]

    /// Creates a campaign from the request's JSON body (its format is the campaign runner's).
    func createCampaign(json body: [UInt8]) async throws(AdminError) -> AdminCampaign
    func campaign(id: String) async throws(AdminError) -> AdminCampaign
    func pauseCampaign(id: String) async throws(AdminError) -> AdminCampaign
    func resumeCampaign(id: String) async throws(AdminError) -> AdminCampaign
    /// Stops dialling and ends the campaign's calls in flight.
    func stopCampaign(id: String) async throws(AdminError) -> AdminCampaign
    func campaigns() async throws(AdminError) -> [AdminCampaign]
    /// The campaign's report as `format` (`json`, `csv` or `html`): content type and body.
    func campaignReport(id: String, format: String) async throws(AdminError) -> (contentType: String, body: String)
}

extension AdminBackend {
    public func createCampaign(json body: [UInt8]) async throws(AdminError) -> AdminCampaign {
        throw AdminError(.notImplemented, "campaigns are not enabled on this node")
    }
    public func campaign(id: String) async throws(AdminError) -> AdminCampaign {
        throw AdminError(.notImplemented, "campaigns are not enabled on this node")
    }
    public func pauseCampaign(id: String) async throws(AdminError) -> AdminCampaign {
        throw AdminError(.notImplemented, "campaigns are not enabled on this node")
    }
    public func resumeCampaign(id: String) async throws(AdminError) -> AdminCampaign {
        throw AdminError(.notImplemented, "campaigns are not enabled on this node")
    }
    public func stopCampaign(id: String) async throws(AdminError) -> AdminCampaign {
        throw AdminError(.notImplemented, "campaigns are not enabled on this node")
    }
    public func campaigns() async throws(AdminError) -> [AdminCampaign] {
        throw AdminError(.notImplemented, "campaigns are not enabled on this node")
    }
    public func campaignReport(id: String, format: String) async throws(AdminError) -> (contentType: String, body: String) {
        throw AdminError(.notImplemented, "campaigns are not enabled on this node")
    }
}
