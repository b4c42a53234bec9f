import Foundation
import Testing
@testable import ParleyCampaign

struct ContactResultCSVTests {
    @Test func rendersAndRoundTripsThroughTheRecordSplitter() throws {
        let results = [
            ContactResult(campaignID: "c", contactID: "+14155550101", variant: "A", outcome: .answered, attempts: 2,
                          tags: ["coupon_accepted", "said \"yes\", twice"], skipReason: nil, finishedAt: Fixture.t0),
            ContactResult(campaignID: "c", contactID: "+14155550199", variant: nil, outcome: nil, attempts: 0,
                          tags: [], skipReason: "do_not_call", finishedAt: Fixture.t0),
        ]
        let text = ContactResultCSV.render(results)
        #expect(text.hasPrefix("number,variant,outcome,attempts,tags,skip_reason,finished_at\r\n"))
        let records = try ContactCSVParser.records(of: text)
        #expect(records.count == 3)
        #expect(records[1].fields == ["+14155550101", "A", "answered", "2", "coupon_accepted;said \"yes\", twice", "", "2026-03-03T15:00:00Z"])
        #expect(records[2].fields[5] == "do_not_call" && records[2].fields[2] == "")
    }
}
