import Foundation

/// The campaigns of one node: creates runners from definition files, keeps their state in
/// the `campaign` table, resumes them after a restart, and answers the admin API
/// (`parley campaign start|status|pause|resume|stop|report`). The daemon's `AdminBackend`
/// delegates its campaign methods here.
///
/// Create request body (JSON): `{"file": "/abs/path/campaign.yaml", "paused": false}`.
/// The file is read on this node; relative paths inside it resolve against its folder.
public actor CampaignManager {
    public struct Configuration: Sendable {
        /// Where `<campaign id>/results.csv` is written when a campaign finishes or stops.
        public var resultsDirectory: String

        public init(resultsDirectory: String) {
            self.resultsDirectory = resultsDirectory
        }
    }

    public let store: CampaignSQLiteStore
    let placer: any CampaignCallPlacing
    let clock: any CampaignClock
    let publisher: (any CampaignResultPublisher)?
    let configuration: Configuration
    var runners: [String: CampaignRunner] = [:]
    var watchers: [String: Task<Void, Never>] = [:]

    public init(store: CampaignSQLiteStore, placer: any CampaignCallPlacing, clock: any CampaignClock = SystemCampaignClock(),
                publisher: (any CampaignResultPublisher)? = nil, configuration: Configuration) {
        self.store = store
        self.placer = placer
        self.clock = clock
        self.publisher = publisher
        self.configuration = configuration
    }

    struct CreateRequest: Decodable {
        var file: String
        var paused: Bool?
    }

    /// Starts a campaign from a create request body (see the type's comment).
    public func create(json body: [UInt8]) async throws(CampaignManagerError) -> CampaignSnapshot {
        let request: CreateRequest
        do {
            request = try JSONDecoder().decode(CreateRequest.self, from: Data(body))
        } catch {
            throw CampaignManagerError(.invalidRequest, "expected {\"file\": \"/path/campaign.yaml\", \"paused\": false}")
        }
        return try await create(path: request.file, paused: request.paused ?? false)
    }

    /// Loads and starts the campaign at `path`. A campaign id already running is a conflict;
    /// one that stopped or finished is started again (its store state decides what is left).
    public func create(path: String, paused: Bool = false) async throws(CampaignManagerError) -> CampaignSnapshot {
        let loaded: LoadedCampaign
        // Kept absolute in the campaign table so a restart from any folder finds it again.
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        do {
            loaded = try CampaignDefinitionLoader.loadCampaign(path: path)
        } catch {
            throw CampaignManagerError(.invalidDefinition, error.diagnostics.map(\.description).joined(separator: "\n"))
        }
        let id = loaded.definition.id
        if let existing = runners[id], watchers[id] != nil {
            _ = existing
            throw CampaignManagerError(.conflict, "campaign \(id) is already running")
        }
        return try await launch(loaded, paused: paused)
    }

    /// Starts again every campaign the store shows running or paused (call once at start-up).
    /// Returns the ids resumed; a definition that no longer loads is reported, not fatal.
    public func resumeFromStore() async -> (resumed: [String], errors: [String]) {
        var resumed: [String] = [], errors: [String] = []
        for row in (try? store.campaigns()) ?? [] where row.state == "running" || row.state == "paused" {
            do {
                let loaded = try CampaignDefinitionLoader.loadCampaign(path: row.definitionPath)
                _ = try await launch(loaded, paused: row.state == "paused")
                resumed.append(row.campaignID)
            } catch {
                errors.append("campaign \(row.campaignID): \(error)")
            }
        }
        return (resumed, errors)
    }

    func launch(_ loaded: LoadedCampaign, paused: Bool) async throws(CampaignManagerError) -> CampaignSnapshot {
        let id = loaded.definition.id
        do {
            let runner = try CampaignRunner(campaign: loaded, store: store, placer: placer, clock: clock,
                                            publisher: publisher)
            try store.saveCampaign(id: id, definitionPath: loaded.path, state: paused ? "paused" : "running", at: clock.now())
            runners[id] = runner
            watchers[id] = Task { await self.watch(id, runner) }
            await runner.setDialObserver { [weak self] number, at in
                Task { await self?.dialed(number, at: at, by: id) }
            }
            try await runner.start(paused: paused)
            return await runner.snapshot()
        } catch {
            throw CampaignManagerError(.internalError, "could not start campaign \(id): \(error)")
        }
    }

    /// Frequency caps count across campaigns: a dial by one campaign is a dial for the others.
    func dialed(_ number: String, at date: Date, by campaignID: String) async {
        for (id, runner) in runners where id != campaignID && watchers[id] != nil {
            await runner.externalDial(contactID: number, at: date)
        }
    }

    /// Waits for a runner to end, then records its final state and writes the results CSV.
    func watch(_ id: String, _ runner: CampaignRunner) async {
        let final = await runner.waitUntilDone()
        try? store.saveCampaign(id: id, definitionPath: runner.campaign.path, state: final == .failed ? "stopped" : final.rawValue,
                                at: clock.now())
        if let report = try? await report(id: id) {
            let dir = (configuration.resultsDirectory as NSString).appendingPathComponent(id)
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try? Data(report.csv().utf8).write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("results.csv")))
        }
        watchers[id] = nil
    }

    public func snapshot(id: String) async throws(CampaignManagerError) -> CampaignSnapshot {
        guard let runner = runners[id] else { throw CampaignManagerError(.notFound, "no campaign \(id) on this node") }
        return await runner.snapshot()
    }

    public func list() async -> [CampaignSnapshot] {
        var out: [CampaignSnapshot] = []
        for id in runners.keys.sorted() { if let r = runners[id] { out.append(await r.snapshot()) } }
        return out
    }

    public func pause(id: String) async throws(CampaignManagerError) -> CampaignSnapshot {
        let runner = try running(id)
        await runner.pause()
        try? store.saveCampaign(id: id, definitionPath: runner.campaign.path, state: "paused", at: clock.now())
        return await runner.snapshot()
    }

    public func resume(id: String) async throws(CampaignManagerError) -> CampaignSnapshot {
        let runner = try running(id)
        await runner.resume()
        try? store.saveCampaign(id: id, definitionPath: runner.campaign.path, state: "running", at: clock.now())
        return await runner.snapshot()
    }

    public func stop(id: String) async throws(CampaignManagerError) -> CampaignSnapshot {
        guard let runner = runners[id] else { throw CampaignManagerError(.notFound, "no campaign \(id) on this node") }
        await runner.stop()
        try? store.saveCampaign(id: id, definitionPath: runner.campaign.path, state: "stopped", at: clock.now())
        return await runner.snapshot()
    }

    /// Figures and per-contact results from the store (works for campaigns of earlier runs too,
    /// when their runner is known on this node).
    public func report(id: String) async throws(CampaignManagerError) -> CampaignReport {
        guard let runner = runners[id] else { throw CampaignManagerError(.notFound, "no campaign \(id) on this node") }
        do {
            let attempts = try store.attempts(campaignID: id)
            return CampaignReport(campaign: runner.campaign, attempts: attempts, contacts: try store.contacts(campaignID: id),
                                  state: await runner.state, generatedAt: clock.now())
        } catch {
            throw CampaignManagerError(.internalError, "could not read campaign \(id): \(error)")
        }
    }

    /// Waits until the campaign's runner is done (tests, `run-local`).
    public func waitUntilDone(id: String) async -> CampaignRunner.State? {
        guard let runner = runners[id] else { return nil }
        let state = await runner.waitUntilDone()
        await watchers[id]?.value
        return state
    }

    /// The runner of a campaign known on this node.
    public func runner(id: String) -> CampaignRunner? { runners[id] }

    func running(_ id: String) throws(CampaignManagerError) -> CampaignRunner {
        guard let runner = runners[id] else { throw CampaignManagerError(.notFound, "no campaign \(id) on this node") }
        return runner
    }
}

/// What the manager refuses; the admin API maps the codes to 400/404/409/500.
public struct CampaignManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable { case invalidRequest, invalidDefinition, notFound, conflict, internalError }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { "\(code.rawValue): \(message)" }
}
