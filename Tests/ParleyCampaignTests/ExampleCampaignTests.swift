import Foundation
import Testing
@testable import ParleyCampaign

/// The shipped example contact list is a golden fixture for the parser.
struct ExampleCampaignTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func exampleContactListParses() throws {
        let data = try Data(contentsOf: Self.repo.appendingPathComponent("examples/campaigns/contacts.csv"))
        let list = try ContactCSVParser.parse(data)
        #expect(list.variableNames == ["first_name", "coupon_code", "coupon_expires", "member_tier"])
        #expect(list.contacts.count == 6)
        #expect(list.contacts[1].variables["first_name"] == "O'Neil, Bob")
        #expect(list.contacts[4].variables["first_name"] == "Eve \"E.\" Park")
        #expect(list.contacts[2].timeZoneIdentifier == "America/Chicago")
        #expect(list.contacts[1].timeZoneIdentifier == nil)
    }
}
