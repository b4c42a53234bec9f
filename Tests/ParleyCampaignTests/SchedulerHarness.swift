import Foundation
@testable import ParleyCampaign

/// Helpers to build campaigns and drive the scheduler with a manual clock.
enum Fixture {
    static let t0 = ISO8601DateFormatter().date(from: "2026-03-03T15:00:00Z")!   // Tue 10:00 New York

    static func numbers(_ n: Int) -> [String] { (0..<n).map { String(format: "+1415555%04d", $0) } }

    static func contacts(_ numbers: [String], zone: String? = nil) -> ContactList {
        ContactList(variableNames: ["name"], contacts: numbers.enumerated().map {
            Contact(number: $0.element, variables: ["name": "c\($0.offset)"], timeZoneIdentifier: zone, line: $0.offset + 2)
        })
    }

    static func definition(cps: Double = 10, maxConcurrent: Int = 10, ringTimeoutSec: Int = 30,
                           zone: String = "UTC", windows: [CallingWindow]? = nil,
                           retry: RetryPolicy = .standard, dnc: [String] = [], cap: FrequencyCap? = nil,
                           variants: VariantAssigner? = nil) throws -> CampaignDefinition {
        try CampaignDefinition(
            id: "spring-coupons", script: "examples/demo/demo.yaml", trunk: "carrier-a", callerID: "+14155550000",
            contacts: "contacts.csv", maxConcurrentCalls: maxConcurrent, callsPerSecond: cps,
            ringTimeoutSec: ringTimeoutSec, defaultTimeZone: zone,
            schedule: CallingSchedule(windows: windows ?? [try CallingWindow(weekdays: Set(1...7), startMinute: 0, endMinute: 1440)]),
            retry: retry, doNotCall: dnc, frequencyCap: cap, variants: variants)
    }
}

extension Array where Element == DialerScheduler.Action {
    var placed: [PlaceCall] { compactMap { if case .placeCall(let p) = $0 { p } else { nil } } }
    var results: [ContactResult] { compactMap { if case .reportResult(let r) = $0 { r } else { nil } } }
    var nextAttempts: [(String, Date)] { compactMap { if case .scheduleNextAttempt(let c, let at) = $0 { (c, at) } else { nil } } }
    var cancels: [String] { compactMap { if case .cancelCall(let id) = $0 { id } else { nil } } }
    var persistedAttempts: [AttemptRecord] { compactMap { if case .persistAttempt(let r) = $0 { r } else { nil } } }
}

/// Executes persistence actions against a store, checking that each placed call's attempt
/// was persisted first.
struct ActionExecutor {
    let store: InMemoryCampaignStateStore
    var placedIDs: [String] = []
    var violations: [String] = []

    mutating func run(_ actions: [DialerScheduler.Action]) {
        for action in actions {
            switch action {
            case .persistAttempt(let r): store.saveAttempt(r)
            case .persistContact(let c): store.saveContact(c)
            case .placeCall(let p):
                if !store.attempts(campaignID: p.campaignID).contains(where: { $0.attemptID == p.attemptID }) {
                    violations.append("placed before persisted: \(p.attemptID)")
                }
                placedIDs.append(p.attemptID)
            default: break
            }
        }
    }
}
