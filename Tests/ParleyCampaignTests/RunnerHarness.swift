import Foundation
import Synchronization
import Testing
@testable import ParleyCampaign

/// A clock that moves only when the test says so. `sleep(until:)` registers a sleeper that
/// `advance(to:)` resumes; a cancelled sleeper is removed at once (never counted as waiting).
final class ManualClock: CampaignClock {
    struct Sleeper { var id: Int; var deadline: Date; var continuation: CheckedContinuation<Void, any Error> }
    struct State { var now: Date; var sleepers: [Sleeper] = []; var nextID = 0 }
    let state: Mutex<State>

    init(_ start: Date) { state = Mutex(State(now: start)) }

    func now() -> Date { state.withLock { $0.now } }

    func sleep(until deadline: Date) async throws {
        let id = state.withLock { s in s.nextID += 1; return s.nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool? = state.withLock { s in
                    if Task.isCancelled { return false }
                    if deadline <= s.now { return true }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: c))
                    return nil
                }
                switch resumeNow {
                case true?: c.resume()
                case false?: c.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let removed = state.withLock { s -> Sleeper? in
                guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: i)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    var sleeperDeadlines: [Date] { state.withLock { $0.sleepers.map(\.deadline) } }
    var nextDeadline: Date? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    func advance(to date: Date) {
        let due = state.withLock { s -> [Sleeper] in
            s.now = max(s.now, date)
            let due = s.sleepers.filter { $0.deadline <= s.now }
            s.sleepers.removeAll { $0.deadline <= s.now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}

/// A called party per number: the outcome of each attempt in turn (the last one repeats)
/// and how long the attempt takes. Records every dial with the clock's time.
final class FakePlacer: CampaignCallPlacing {
    struct Dial: Sendable { var request: CampaignCallRequest; var at: Date; var inFlightAfter: Int }
    struct Behaviour: Sendable { var outcomes: [AttemptOutcome]; var durationSec: Double }
    struct State { var dials: [Dial] = []; var inFlight = 0; var maxInFlight = 0; var attemptsByNumber: [String: Int] = [:] }

    let clock: ManualClock
    let behaviour: @Sendable (String) -> Behaviour
    let state = Mutex(State())

    init(clock: ManualClock, behaviour: @escaping @Sendable (String) -> Behaviour) {
        self.clock = clock
        self.behaviour = behaviour
    }

    var dials: [Dial] { state.withLock { $0.dials } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    var inFlight: Int { state.withLock { $0.inFlight } }

    func place(_ request: CampaignCallRequest) async -> CampaignCallResult {
        let now = clock.now()
        let n = state.withLock { s -> Int in
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
            s.dials.append(Dial(request: request, at: now, inFlightAfter: s.inFlight))
            s.attemptsByNumber[request.number, default: 0] += 1
            return s.attemptsByNumber[request.number]!
        }
        let b = behaviour(request.number)
        let outcome = b.outcomes[min(n, b.outcomes.count) - 1]
        try? await clock.sleep(until: now.addingTimeInterval(b.durationSec))
        state.withLock { $0.inFlight -= 1 }
        return Self.result(outcome, at: now)
    }

    static func result(_ outcome: AttemptOutcome, at: Date) -> CampaignCallResult {
        switch outcome {
        case .busy: CampaignCallResult(sipStatus: 486, outcome: .busy)
        case .noAnswer: CampaignCallResult(sipStatus: 487, outcome: .noAnswer)
        case .rejected: CampaignCallResult(sipStatus: 603, outcome: .rejected)
        case .failed: CampaignCallResult(sipStatus: 500, outcome: .failed)
        case .invalidNumber: CampaignCallResult(sipStatus: 404, outcome: .invalidNumber)
        case .voicemail: CampaignCallResult(sipStatus: 200, outcome: .voicemail, amd: .machine, amdDecisionMs: 1800,
                                            voicemailLeft: true, answeredAt: at)
        case .dropped: CampaignCallResult(sipStatus: 200, outcome: .dropped, amd: .human, answeredAt: at)
        case .answered, .unknown: CampaignCallResult(sipStatus: 200, outcome: .answered, amd: .human, amdDecisionMs: 900,
                                                     callID: "call-\(at.timeIntervalSince1970)", disposition: "completed",
                                                     tags: ["coupon_accepted"], answeredAt: at)
        }
    }
}

/// Runs a campaign to its end on the manual clock: waits until every task of the runner
/// is parked on the clock (settled), then jumps to the earliest deadline.
enum Simulation {
    static func settle(_ runner: CampaignRunner, _ clock: ManualClock, timeoutSec: Double = 10) async throws {
        let limit = Date().addingTimeInterval(timeoutSec)
        var last = ""
        while Date() < limit {
            let (calls, timerAt, publishing) = await runner.pendingWork
            let deadlines = clock.sleeperDeadlines
            let timerParked = timerAt.map { t in deadlines.contains(t) } ?? true
            if publishing == 0 && deadlines.count == calls + (timerAt == nil ? 0 : 1) && timerParked { return }
            last = "calls \(calls), timer \(String(describing: timerAt)), publishing \(publishing), now \(clock.now()), sleepers \(deadlines)"

            try await Task.sleep(nanoseconds: 200_000)
        }
        throw SimulationError(message: "the runner did not settle: " + last)
    }

    /// Advances until the runner is done (or `until` passes); returns its final state.
    @discardableResult
    static func run(_ runner: CampaignRunner, _ clock: ManualClock, until: Date? = nil,
                    maxSteps: Int = 100_000) async throws -> CampaignRunner.State {
        for _ in 0..<maxSteps {
            try await settle(runner, clock)
            let state = await runner.state
            let idle = await runner.isIdleAndDone
            if state != .running && state != .paused || idle { return state }
            guard let next = clock.nextDeadline else {
                if state == .paused { return state }
                throw SimulationError(message: "stuck: nothing to wait for")
            }
            if let until, next > until { return state }
            clock.advance(to: next)
        }
        throw SimulationError(message: "too many steps")
    }

    struct SimulationError: Error, CustomStringConvertible { var message: String; var description: String { message } }
}

extension CampaignRunner {
    /// Calls in flight, the armed timer, result publications in progress (test settling).
    var pendingWork: (Int, Date?, Int) { (calls.count, timerAt, publishing.count) }
}

enum RunnerFixture {
    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parley-campaign-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func campaign(_ definition: CampaignDefinition, numbers: [String], zones: [String?]? = nil) -> LoadedCampaign {
        let contacts = ContactList(variableNames: ["name"], contacts: numbers.enumerated().map {
            Contact(number: $0.element, variables: ["name": "c\($0.offset)"], timeZoneIdentifier: zones?[$0.offset],
                    line: $0.offset + 2)
        })
        return LoadedCampaign(definition: definition, contacts: contacts, path: "campaign.yaml")
    }
}
