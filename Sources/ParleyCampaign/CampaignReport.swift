import Foundation

/// A campaign's figures and per-contact results, from the store: what `parley campaign
/// report` prints (text, `--csv`, `--json`, `--html` with SVG charts).
public struct CampaignReport: Sendable {
    public var campaignID: String
    public var state: CampaignRunner.State
    public var generatedAt: Date
    public var contactCount: Int
    public var statistics: CampaignStatistics
    public var conversionTag: String?
    /// One per contact, in list order; contacts not finished yet have outcome nil and
    /// skip reason `pending`.
    public var results: [ContactResult]
    /// Attempts by outcome (`dialing` etc. for attempts not ended).
    public var attemptOutcomes: [String: Int]
    /// AMD decision times of answered attempts, milliseconds.
    public var amdDecisionMs: [Int]

    public init(campaign: LoadedCampaign, attempts: [AttemptRecord], contacts: [ContactProgress],
                state: CampaignRunner.State, generatedAt: Date) {
        let def = campaign.definition
        campaignID = def.id
        self.state = state
        self.generatedAt = generatedAt
        contactCount = campaign.contacts.contacts.count
        conversionTag = def.conversionTag
        statistics = CampaignStatistics(attempts: attempts, conversionTag: def.conversionTag)
        let progress = Dictionary(contacts.map { ($0.contactID, $0) }, uniquingKeysWith: { a, _ in a })
        let byContact = Dictionary(grouping: attempts, by: \.contactID)
        results = campaign.contacts.contacts.map { contact in
            let mine = (byContact[contact.id] ?? []).sorted { $0.attemptNumber < $1.attemptNumber }
            let row = progress[contact.id]
            let done = row?.status == .done
            return ContactResult(
                campaignID: def.id, contactID: contact.id,
                variant: def.variants?.assign(contactID: contact.id, campaignID: def.id),
                outcome: done ? row?.finalOutcome : nil, attempts: mine.count, tags: mine.last?.tags ?? [],
                skipReason: done ? row?.skipReason : "pending",
                finishedAt: mine.last?.endedAt ?? mine.last?.startedAt ?? generatedAt)
        }
        var outcomes: [String: Int] = [:]
        for a in attempts { outcomes[a.outcome?.rawValue ?? a.state.rawValue, default: 0] += 1 }
        attemptOutcomes = outcomes
        amdDecisionMs = attempts.compactMap(\.amdDecisionMs).sorted()
    }

    public var attemptCount: Int { attemptOutcomes.values.reduce(0, +) }
    public var finishedContacts: Int { results.filter { $0.skipReason != "pending" }.count }

    /// Per-contact results (`ContactResultCSV`).
    public func csv() -> String { ContactResultCSV.render(results) }

    /// A short plain-text summary.
    public func text() -> String {
        var lines = ["campaign \(campaignID): \(state.rawValue)",
                     "contacts  \(contactCount), finished \(finishedContacts)",
                     "attempts  \(attemptCount): " + attemptOutcomes.keys.sorted().map { "\($0) \(attemptOutcomes[$0]!)" }
                        .joined(separator: ", ")]
        if !amdDecisionMs.isEmpty {
            let p95 = amdDecisionMs[min(amdDecisionMs.count - 1, Int((Double(amdDecisionMs.count) * 0.95).rounded(.up)) - 1)]
            lines.append("amd       decision p50 \(amdDecisionMs[amdDecisionMs.count / 2]) ms, p95 \(p95) ms")
        }
        for v in statistics.variants {
            lines.append("variant \(v.variant): contacts \(v.contacts), attempts \(v.attempts), connect \(Self.pct(v.connected)), "
                         + "machine \(Self.pct(v.machine)), conversion \(Self.pct(v.conversion))")
        }
        if let p = statistics.conversionPValue { lines.append(String(format: "conversion difference p = %.4f", p)) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func pct(_ p: CampaignStatistics.Proportion) -> String {
        let ci = p.wilson95
        return String(format: "%d/%d %.1f%% [%.1f–%.1f]", p.successes, p.trials, p.rate * 100, ci.lowerBound * 100,
                      ci.upperBound * 100)
    }

    /// JSON for the admin API.
    public func json() -> String {
        struct Variant: Encodable {
            var variant: String; var contacts: Int; var attempts: Int
            var connected: [Double]; var machine: [Double]; var conversion: [Double]
        }
        struct Body: Encodable {
            var campaign_id: String; var state: String; var contacts: Int; var finished: Int
            var attempts: [String: Int]; var variants: [Variant]; var conversion_p_value: Double?
        }
        func triple(_ p: CampaignStatistics.Proportion) -> [Double] {
            [Double(p.successes), Double(p.trials), p.rate, p.wilson95.lowerBound, p.wilson95.upperBound]
        }
        let body = Body(campaign_id: campaignID, state: state.rawValue, contacts: contactCount, finished: finishedContacts,
                        attempts: attemptOutcomes,
                        variants: statistics.variants.map {
                            Variant(variant: $0.variant, contacts: $0.contacts, attempts: $0.attempts,
                                    connected: triple($0.connected), machine: triple($0.machine), conversion: triple($0.conversion))
                        },
                        conversion_p_value: statistics.conversionPValue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
