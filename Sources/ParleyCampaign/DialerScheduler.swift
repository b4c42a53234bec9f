import Foundation

/// The outbound dialer as a pure state machine. It reads no clock and does no I/O: the
/// daemon feeds it events with their times and executes the actions **in order** (a
/// `persistAttempt` must be durable before the `placeCall` that follows it).
public struct DialerScheduler: Sendable {
    public enum Event: Sendable, Equatable {
        /// Time passed; dial what pacing, windows and caps allow. Send one at start-up
        /// (after `.recovered` when resuming) and at every `.wakeUp` time.
        case tick(Date)
        case progress(attemptID: String, AttemptProgress, at: Date)
        /// State loaded from the store at start-up; must come before the first tick.
        /// Attempts still in flight are marked `unknown` and go through the retry policy.
        case recovered(attempts: [AttemptRecord], contacts: [ContactProgress], at: Date)
        /// A dial to a number by another campaign (frequency caps count across campaigns).
        case externalDial(contactID: String, at: Date)
        case pause, resume
    }

    public enum Action: Sendable, Equatable {
        case persistAttempt(AttemptRecord)
        case persistContact(ContactProgress)
        case placeCall(PlaceCall)
        case cancelCall(attemptID: String)
        /// The contact's next attempt is due at this time (already placed in a window).
        case scheduleNextAttempt(contactID: String, at: Date)
        case reportResult(ContactResult)
        /// Send a `.tick` at this time.
        case wakeUp(at: Date)
        case campaignFinished
    }

    struct ContactSlot: Sendable {
        var contact: Contact
        var zone: TimeZone
        var variant: String?
        var attemptsMade = 0
        var nextEligibleAt: Date?
        var inFlightAttemptID: String?
        var done = false
        var tags: [String] = []
        var lastOutcome: AttemptOutcome?
    }

    struct InFlight: Sendable {
        var record: AttemptRecord
        var slot: Int
        var ringDeadline: Date
        var cancelledForRingTimeout = false
        var sitDetected = false
    }

    /// Dials are spaced `pacingGuardFactor / calls_per_second` apart, 10 % wider than the rate
    /// itself: the time from the dial decision to the INVITE on the wire varies (channel setup,
    /// the SIP loop), and this slack — 0.1 s per second at any rate — keeps every one-second
    /// window *on the wire* at or under `calls_per_second` while that latency varies by less
    /// than 100 ms. Measured from SIPp's side in CampaignSIPpTests.
    public static let pacingGuardFactor = 1.1

    public let definition: CampaignDefinition
    var slots: [ContactSlot]
    var slotByID: [String: Int] = [:]
    var inFlight: [String: InFlight] = [:]
    var dialHistory: [String: [Date]]
    var bucket: TokenBucket
    var epoch: Date?
    var paused = false
    var finished = false

    /// Dials currently in flight.
    public var inFlightCount: Int { inFlight.count }
    public var isFinished: Bool { finished }

    /// - Parameter dialHistory: earlier dial times per contact number from every campaign
    ///   (from `CampaignStateStore.dialTimes`), for frequency caps.
    public init(definition: CampaignDefinition, contacts: ContactList,
                dialHistory: [String: [Date]] = [:]) throws(CampaignError) {
        self.definition = definition
        self.dialHistory = dialHistory
        self.bucket = try TokenBucket(ratePerSecond: definition.callsPerSecond / Self.pacingGuardFactor)
        slots = []
        for contact in contacts.contacts {
            var zone = definition.defaultTimeZone
            if let id = contact.timeZoneIdentifier {
                guard let z = TimeZone(identifier: id) else {
                    throw CampaignError(.invalidTimeZone, line: contact.line, "unknown time zone '\(id)'")
                }
                zone = z
            }
            let variant = definition.variants?.assign(contactID: contact.id, campaignID: definition.id)
            slotByID[contact.id] = slots.count
            slots.append(ContactSlot(contact: contact, zone: zone, variant: variant))
        }
    }

    public func variant(of contactID: String) -> String? {
        slotByID[contactID].flatMap { slots[$0].variant }
    }

    public mutating func handle(_ event: Event) -> [Action] {
        var actions: [Action] = []
        switch event {
        case .tick(let now):
            if epoch == nil { epoch = now }
            enforceRingTimeouts(now, &actions)
            if !paused { dial(now, &actions) }
            finishIfDone(&actions)
            scheduleWakeUp(now, &actions)
        case .progress(let attemptID, let progress, let now):
            apply(progress, to: attemptID, at: now, &actions)
            finishIfDone(&actions)
        case .recovered(let attempts, let contacts, let now):
            recover(attempts, contacts, now, &actions)
        case .externalDial(let contactID, let at):
            dialHistory[contactID, default: []].append(at)
        case .pause:
            paused = true
        case .resume:
            paused = false
        }
        return actions
    }

    // MARK: dialing

    private mutating func enforceRingTimeouts(_ now: Date, _ actions: inout [Action]) {
        for (id, call) in inFlight where call.record.state != .answered && !call.cancelledForRingTimeout
            && call.ringDeadline <= now {
            inFlight[id]?.cancelledForRingTimeout = true
            actions.append(.cancelCall(attemptID: id))
        }
    }

    private func nowNs(_ now: Date) -> Int64 {
        Int64((now.timeIntervalSince(epoch ?? now) * 1e6).rounded()) * 1000
    }

    private mutating func dial(_ now: Date, _ actions: inout [Action]) {
        for index in slots.indices {
            guard inFlight.count < definition.maxConcurrentCalls else { return }
            let slot = slots[index]
            guard !slot.done, slot.inFlightAttemptID == nil else { continue }
            if let next = slot.nextEligibleAt, next > now { continue }
            if definition.doNotCall.contains(slot.contact.number) {
                skip(index, reason: "do_not_call", now, &actions)
                continue
            }
            guard let opening = definition.schedule.nextOpening(atOrAfter: now, in: slot.zone) else { continue }
            if opening > now {
                slots[index].nextEligibleAt = opening
                continue
            }
            if let cap = definition.frequencyCap {
                let history = dialHistory[slot.contact.id] ?? []
                if !cap.allows(at: now, previousDials: history) {
                    slots[index].nextEligibleAt = cap.nextAllowed(after: now, previousDials: history)
                    continue
                }
            }
            guard bucket.tryTake(nowNs: nowNs(now)) else { return }
            placeAttempt(index, now, &actions)
        }
    }

    private mutating func placeAttempt(_ index: Int, _ now: Date, _ actions: inout [Action]) {
        slots[index].attemptsMade += 1
        let slot = slots[index]
        let attemptID = "\(definition.id)#\(slot.contact.id)#\(slot.attemptsMade)"
        let record = AttemptRecord(attemptID: attemptID, campaignID: definition.id, contactID: slot.contact.id,
                                   attemptNumber: slot.attemptsMade, variant: slot.variant, state: .dialing,
                                   startedAt: now)
        slots[index].inFlightAttemptID = attemptID
        slots[index].nextEligibleAt = nil
        dialHistory[slot.contact.id, default: []].append(now)
        inFlight[attemptID] = InFlight(record: record, slot: index,
                                       ringDeadline: now.addingTimeInterval(TimeInterval(definition.ringTimeoutSec)))
        actions.append(.persistAttempt(record))
        actions.append(.persistContact(progress(index)))
        var variables = slot.contact.variables
        if let variant = slot.variant { variables["variant"] = variant }
        actions.append(.placeCall(PlaceCall(
            attemptID: attemptID, campaignID: definition.id, number: slot.contact.number,
            callerID: definition.callerID, trunk: definition.trunk, script: definition.script,
            variables: variables, variant: slot.variant, ringTimeoutSec: definition.ringTimeoutSec,
            amd: definition.amd, leaveVoicemail: definition.leaveVoicemail)))
    }

    private mutating func skip(_ index: Int, reason: String, _ now: Date, _ actions: inout [Action]) {
        slots[index].done = true
        actions.append(.persistContact(progress(index, skipReason: reason)))
        let slot = slots[index]
        actions.append(.reportResult(ContactResult(
            campaignID: definition.id, contactID: slot.contact.id, variant: slot.variant, outcome: nil,
            attempts: slot.attemptsMade, tags: [], skipReason: reason, finishedAt: now)))
    }

    func progress(_ index: Int, skipReason: String? = nil) -> ContactProgress {
        let slot = slots[index]
        let status: ContactProgress.Status = slot.done ? .done : (slot.inFlightAttemptID != nil ? .inFlight : .pending)
        return ContactProgress(campaignID: definition.id, contactID: slot.contact.id, attemptsMade: slot.attemptsMade,
                               status: status, nextEligibleAt: slot.nextEligibleAt,
                               finalOutcome: slot.done ? slot.lastOutcome : nil, skipReason: skipReason)
    }

    private mutating func finishIfDone(_ actions: inout [Action]) {
        guard !finished, inFlight.isEmpty, slots.allSatisfy(\.done) else { return }
        finished = true
        actions.append(.campaignFinished)
    }

    private mutating func scheduleWakeUp(_ now: Date, _ actions: inout [Action]) {
        guard !finished else { return }
        var next: Date?
        func consider(_ d: Date) { if next == nil || d < next! { next = d } }
        for call in inFlight.values where call.record.state != .answered && !call.cancelledForRingTimeout {
            consider(call.ringDeadline)
        }
        if !paused && inFlight.count < definition.maxConcurrentCalls {
            for slot in slots where !slot.done && slot.inFlightAttemptID == nil {
                if let at = slot.nextEligibleAt, at > now { consider(at) } else {
                    // Due now but held back by pacing.
                    // Rounded up to the microsecond, the resolution `nowNs` works in.
                    let us = (bucket.nextAvailableNs() + 999) / 1000
                    let at = (epoch ?? now).addingTimeInterval(TimeInterval(us) / 1e6)
                    consider(max(at, now))
                    break
                }
            }
        }
        if let next { actions.append(.wakeUp(at: next)) }
    }
}
