import Foundation

extension DialerScheduler {
    mutating func apply(_ progress: AttemptProgress, to attemptID: String, at now: Date, _ actions: inout [Action]) {
        guard var call = inFlight[attemptID] else { return }   // late or duplicate report: ignore
        switch progress {
        case .ringing:
            guard call.record.state == .dialing else { return }
            call.record.state = .ringing
            inFlight[attemptID] = call
            actions.append(.persistAttempt(call.record))
        case .earlyMedia(let verdict):
            if case .specialInformationTone = verdict, !call.sitDetected, call.record.state != .answered {
                call.sitDetected = true
                inFlight[attemptID] = call
                actions.append(.cancelCall(attemptID: attemptID))
            }
        case .answered:
            call.record.state = .answered
            call.record.answeredAt = now
            inFlight[attemptID] = call
            actions.append(.persistAttempt(call.record))
        case .amd(let verdict):
            call.record.amd = verdict
            inFlight[attemptID] = call
            actions.append(.persistAttempt(call.record))
        case .failed(let sipStatus):
            call.record.sipStatus = sipStatus
            let outcome: AttemptOutcome = call.sitDetected
                ? .invalidNumber
                : AttemptOutcome.classify(sipStatus: sipStatus, afterRingTimeout: call.cancelledForRingTimeout)
            finish(call, outcome: outcome, tags: [], at: now, &actions)
        case .ended(let disposition, let tags):
            let outcome: AttemptOutcome
            if call.record.amd == .machine || disposition == .voicemailLeft || disposition == .machineHungUp {
                outcome = .voicemail
            } else if disposition == .dropped {
                outcome = .dropped
            } else {
                outcome = .answered
            }
            finish(call, outcome: outcome, tags: tags, at: now, &actions)
        case .completed(let result):
            call.record.sipStatus = result.sipStatus
            call.record.amd = result.amd ?? call.record.amd
            call.record.amdDecisionMs = result.amdDecisionMs
            call.record.callID = result.callID
            call.record.disposition = result.disposition
            if call.record.answeredAt == nil {
                call.record.answeredAt = result.answeredAt ?? (result.sipStatus == 200 ? now : nil)
            }
            var outcome = result.outcome
            // Our own ring-timeout CANCEL answered with 487: nobody picked up.
            if call.cancelledForRingTimeout && outcome == .failed && (result.sipStatus == 487 || result.sipStatus == nil) {
                outcome = .noAnswer
            }
            if call.sitDetected && call.record.answeredAt == nil { outcome = .invalidNumber }
            finish(call, outcome: outcome, tags: result.tags, at: now, &actions)
        }
    }

    mutating func finish(_ call: InFlight, outcome: AttemptOutcome, tags: [String], at now: Date,
                         _ actions: inout [Action]) {
        var record = call.record
        record.state = .ended
        record.outcome = outcome
        record.tags = tags
        record.endedAt = now
        inFlight[record.attemptID] = nil
        actions.append(.persistAttempt(record))
        let index = call.slot
        slots[index].inFlightAttemptID = nil
        slots[index].lastOutcome = outcome
        slots[index].tags = tags
        retryOrComplete(index, after: outcome, at: now, &actions)
    }

    mutating func retryOrComplete(_ index: Int, after outcome: AttemptOutcome, at now: Date, _ actions: inout [Action]) {
        let slot = slots[index]
        if let delaySec = definition.retry.retryDelaySec(after: outcome, attemptsMade: slot.attemptsMade) {
            let due = now.addingTimeInterval(TimeInterval(delaySec))
            let next = definition.schedule.nextOpening(atOrAfter: due, in: slot.zone) ?? due
            slots[index].nextEligibleAt = next
            actions.append(.persistContact(progress(index)))
            actions.append(.scheduleNextAttempt(contactID: slot.contact.id, at: next))
        } else {
            slots[index].done = true
            slots[index].nextEligibleAt = nil
            actions.append(.persistContact(progress(index)))
            actions.append(.reportResult(ContactResult(
                campaignID: definition.id, contactID: slot.contact.id, variant: slot.variant, outcome: outcome,
                attempts: slot.attemptsMade, tags: slot.tags, skipReason: nil, finishedAt: now)))
        }
    }

    mutating func recover(_ attempts: [AttemptRecord], _ contacts: [ContactProgress], _ now: Date,
                          _ actions: inout [Action]) {
        for progress in contacts where progress.campaignID == definition.id {
            guard let index = slotByID[progress.contactID] else { continue }
            slots[index].attemptsMade = max(slots[index].attemptsMade, progress.attemptsMade)
            slots[index].nextEligibleAt = progress.nextEligibleAt
            slots[index].done = progress.status == .done
            slots[index].lastOutcome = progress.finalOutcome
        }
        var stranded: [AttemptRecord] = []
        var latest: [Int: AttemptRecord] = [:]
        for record in attempts where record.campaignID == definition.id {
            guard let index = slotByID[record.contactID] else { continue }
            // The attempt number is the dedup key: never reuse one that was persisted.
            slots[index].attemptsMade = max(slots[index].attemptsMade, record.attemptNumber)
            if record.isInFlight { stranded.append(record) }
            if record.attemptNumber >= (latest[index]?.attemptNumber ?? 0) { latest[index] = record }
        }
        // A crash between persisting an ended attempt and its contact row: the contact still
        // reads in flight. Apply the policy to the recorded outcome now.
        for progress in contacts where progress.campaignID == definition.id && progress.status == .inFlight {
            guard let index = slotByID[progress.contactID], let last = latest[index], !last.isInFlight,
                  last.attemptNumber == slots[index].attemptsMade else { continue }
            let outcome = last.outcome ?? .unknown
            slots[index].lastOutcome = outcome
            slots[index].tags = last.tags
            retryOrComplete(index, after: outcome, at: last.endedAt ?? now, &actions)
        }
        for record in stranded.sorted(by: { $0.attemptNumber < $1.attemptNumber }) {
            guard let index = slotByID[record.contactID] else { continue }
            // Only the contact's latest attempt decides what happens next.
            var ended = record
            ended.state = .ended
            ended.outcome = .unknown
            ended.endedAt = now
            actions.append(.persistAttempt(ended))
            guard record.attemptNumber == slots[index].attemptsMade else { continue }
            slots[index].inFlightAttemptID = nil
            slots[index].done = false
            slots[index].lastOutcome = .unknown
            retryOrComplete(index, after: .unknown, at: now, &actions)
        }
    }
}
