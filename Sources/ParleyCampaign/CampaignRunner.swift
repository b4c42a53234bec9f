import Foundation

/// Runs one campaign: drives the `DialerScheduler` with a clock, persists every attempt
/// (state `dialing`) *before* asking the `CampaignCallPlacing` to dial it, records each
/// outcome and the contact's next eligible time, and hands final contact results to a
/// `CampaignResultPublisher` (the CRM webhook through the store's outbox).
///
/// Pacing is the scheduler's: a GCRA token bucket spaces dials `1 / calls_per_second`
/// apart and `max_concurrent_calls` caps attempts in flight (a slot frees when `place`
/// returns). Restarting a runner over the same store resumes the campaign: attempts left in
/// flight by a crash become `unknown` and go through the retry policy with a new attempt
/// number, so no attempt id is ever dialled twice.
///
/// The actor never suspends while handling an event: store writes are synchronous, calls
/// and timers run in child tasks that report back with a new event.
public actor CampaignRunner {
    public enum State: String, Sendable, Equatable, Codable {
        case created, running, paused, stopped, finished
        /// A store write failed: nothing more is dialled (an attempt must be durable first).
        case failed
    }

    public let campaign: LoadedCampaign
    public nonisolated var id: String { campaign.definition.id }
    let store: any CampaignStateStore
    let placer: any CampaignCallPlacing
    let clock: any CampaignClock
    let publisher: (any CampaignResultPublisher)?
    var scheduler: DialerScheduler
    public private(set) var state: State = .created
    public private(set) var lastError: String?
    var calls: [String: Task<Void, Never>] = [:]
    var timer: Task<Void, Never>?
    var timerAt: Date?
    var publishing: [Int: Task<Void, Never>] = [:]
    var nextPublishID = 0
    var waiters: [CheckedContinuation<State, Never>] = []
    /// Final results so far (restored ones first), by contact number.
    public private(set) var results: [String: ContactResult] = [:]
    /// Calls placed by this runner instance, for figures and tests.
    public private(set) var placedCount = 0
    public private(set) var maxInFlight = 0
    var dialObserver: (@Sendable (String, Date) -> Void)?
    /// Dials by other campaigns received through `externalDial`.
    public private(set) var externalDialCount = 0

    public init(campaign: LoadedCampaign, store: any CampaignStateStore, placer: any CampaignCallPlacing,
                clock: any CampaignClock = SystemCampaignClock(), publisher: (any CampaignResultPublisher)? = nil) throws {
        self.campaign = campaign
        self.store = store
        self.placer = placer
        self.clock = clock
        self.publisher = publisher
        let def = campaign.definition
        var history: [String: [Date]] = [:]
        if let cap = def.frequencyCap {
            let since = clock.now().addingTimeInterval(-cap.periodSec)
            for contact in campaign.contacts.contacts {
                history[contact.id] = try store.dialTimes(contactID: contact.id, since: since)
            }
        }
        scheduler = try DialerScheduler(definition: def, contacts: campaign.contacts, dialHistory: history)
    }

    // MARK: Control

    /// Loads the campaign's state from the store (resuming after a restart), re-publishes
    /// the results of contacts already finished (idempotent), and starts dialling.
    /// `paused` starts without dialling until `resume()`.
    public func start(paused: Bool = false) throws {
        guard state == .created else { return }
        let now = clock.now()
        let attempts = try store.attempts(campaignID: id)
        let contacts = try store.contacts(campaignID: id)
        state = paused ? .paused : .running
        if paused { _ = scheduler.handle(.pause) }
        if !attempts.isEmpty || !contacts.isEmpty {
            restoreResults(attempts: attempts, contacts: contacts, now: now)
            handle(.recovered(attempts: attempts, contacts: contacts, at: now))
        }
        handle(.tick(now))
    }

    public func pause() {
        guard state == .running else { return }
        state = .paused
        handle(.pause)
    }

    public func resume() {
        guard state == .paused else { return }
        state = .running
        handle(.resume)
        handle(.tick(clock.now()))
    }

    /// Stops dialling and ends the calls in flight (their tasks are cancelled; the outcomes
    /// they report are still recorded). Contacts not finished stay pending in the store.
    public func stop() {
        guard state == .running || state == .paused || state == .created else { return }
        state = .stopped
        _ = scheduler.handle(.pause)
        cancelTimer()
        for task in calls.values { task.cancel() }
        resumeWaitersIfIdle()
    }

    /// Returns when the campaign has finished, stopped or failed and every call and result
    /// publication it started has completed.
    public func waitUntilDone() async -> State {
        if isIdleAndDone { return state }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Counts for status displays.
    public func snapshot() -> CampaignSnapshot {
        var outcomes: [String: Int] = [:]
        for result in results.values { outcomes[result.outcome?.rawValue ?? (result.skipReason ?? "skipped"), default: 0] += 1 }
        return CampaignSnapshot(id: id, state: state, contacts: campaign.contacts.contacts.count,
                                finished: results.count, inFlight: calls.count, placedByThisRun: placedCount,
                                outcomes: outcomes, lastError: lastError)
    }

    /// Called with the number and time of every dial (the manager tells the other campaigns,
    /// whose frequency caps count it).
    public func setDialObserver(_ observer: @escaping @Sendable (String, Date) -> Void) {
        dialObserver = observer
    }

    /// Records a dial to a contact by another campaign (frequency caps count across campaigns).
    public func externalDial(contactID: String, at date: Date) {
        externalDialCount += 1
        handle(.externalDial(contactID: contactID, at: date))
    }

    // MARK: Events

    func handle(_ event: DialerScheduler.Event) {
        guard state != .failed else { return }
        execute(scheduler.handle(event))
    }

    func execute(_ actions: [DialerScheduler.Action]) {
        var persisted = Set<String>()
        for action in actions {
            guard state != .failed else { return }
            do {
                switch action {
                case .persistAttempt(let record):
                    try store.saveAttempt(record)
                    persisted.insert(record.attemptID)
                case .persistContact(let progress):
                    try store.saveContact(progress)
                case .placeCall(let call):
                    guard persisted.contains(call.attemptID) else {
                        fail("attempt \(call.attemptID) was not persisted before dialling")
                        return
                    }
                    place(call)
                case .cancelCall:
                    // Ring timeouts and SIT are the call layer's (it got `ringTimeoutSec`);
                    // the scheduler's own cancel only marks the attempt for classification.
                    break
                case .scheduleNextAttempt:
                    break   // the contact row already carries next_eligible_at
                case .reportResult(let result):
                    results[result.contactID] = result
                    publish(result)
                case .wakeUp(let at):
                    arm(at)
                case .campaignFinished:
                    if state == .running || state == .paused { state = .finished }
                    cancelTimer()
                    resumeWaitersIfIdle()
                }
            } catch {
                fail("store write failed: \(error)")
                return
            }
        }
    }

    func fail(_ message: String) {
        state = .failed
        lastError = message
        cancelTimer()
        resumeWaitersIfIdle()
    }

    func place(_ call: PlaceCall) {
        let request = CampaignCallRequest(
            attemptID: call.attemptID, campaignID: call.campaignID,
            attemptNumber: Int(call.attemptID.split(separator: "#").last ?? "") ?? 0, number: call.number,
            trunk: call.trunk, callerID: call.callerID, script: call.script, variables: call.variables,
            variant: call.variant, ringTimeoutSec: call.ringTimeoutSec, amd: call.amd, leaveVoicemail: call.leaveVoicemail)
        let placer = self.placer
        placedCount += 1
        dialObserver?(call.number, clock.now())
        calls[call.attemptID] = Task {
            let result = await placer.place(request)
            self.callEnded(call.attemptID, result)
        }
        maxInFlight = max(maxInFlight, calls.count)
    }

    func callEnded(_ attemptID: String, _ result: CampaignCallResult) {
        calls[attemptID] = nil
        let now = clock.now()
        handle(.progress(attemptID: attemptID, .completed(result), at: now))
        if state == .running { handle(.tick(now)) }
        resumeWaitersIfIdle()
    }

    func arm(_ at: Date) {
        guard state == .running || state == .paused else { return }
        if let armed = timerAt, armed <= at, timer != nil { return }
        timer?.cancel()
        timerAt = at
        let clock = self.clock
        timer = Task {
            do { try await clock.sleep(until: at) } catch { return }
            self.timerFired(at)
        }
    }

    func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerAt = nil
    }

    func timerFired(_ at: Date) {
        guard timerAt == at else { return }
        timer = nil
        timerAt = nil
        handle(.tick(clock.now()))
    }

    // MARK: Results

    func publish(_ result: ContactResult, attempts known: [AttemptRecord]? = nil) {
        guard let publisher else { return }
        let attempts = known ?? (try? store.attempts(campaignID: id, contactID: result.contactID)) ?? []
        let key = nextPublishID
        nextPublishID += 1
        publishing[key] = Task {
            await publisher.publish(result, attempts: attempts)
            self.published(key)
        }
    }

    func published(_ key: Int) {
        publishing[key] = nil
        resumeWaitersIfIdle()
    }

    /// Results of contacts that finished before a restart: kept for the CSV and published
    /// again (the outbox drops a key it already holds, so a result lost between the contact
    /// row and the outbox at a crash is delivered, and none twice).
    func restoreResults(attempts: [AttemptRecord], contacts: [ContactProgress], now: Date) {
        let byContact = Dictionary(grouping: attempts, by: \.contactID)
        for progress in contacts where progress.status == .done {
            let mine = (byContact[progress.contactID] ?? []).sorted { $0.attemptNumber < $1.attemptNumber }
            let result = ContactResult(
                campaignID: id, contactID: progress.contactID, variant: scheduler.variant(of: progress.contactID),
                outcome: progress.finalOutcome, attempts: progress.attemptsMade, tags: mine.last?.tags ?? [],
                skipReason: progress.skipReason, finishedAt: mine.last?.endedAt ?? mine.last?.startedAt ?? now)
            results[progress.contactID] = result
            publish(result, attempts: mine)
        }
    }

    var isIdleAndDone: Bool {
        (state == .finished || state == .stopped || state == .failed) && calls.isEmpty && publishing.isEmpty
    }

    func resumeWaitersIfIdle() {
        guard isIdleAndDone, !waiters.isEmpty else { return }
        let current = state
        let pending = waiters
        waiters = []
        for waiter in pending { waiter.resume(returning: current) }
    }
}

/// What `CampaignRunner.snapshot()` shows (status displays, the admin API).
public struct CampaignSnapshot: Sendable, Equatable, Codable {
    public var id: String
    public var state: CampaignRunner.State
    public var contacts: Int
    /// Contacts with a final result (including skipped ones).
    public var finished: Int
    public var inFlight: Int
    public var placedByThisRun: Int
    /// Final results by outcome (`do_not_call` for skipped contacts).
    public var outcomes: [String: Int]
    public var lastError: String?
}
