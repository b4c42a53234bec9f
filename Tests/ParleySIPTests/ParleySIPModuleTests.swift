import Testing
@testable import ParleySIP

@Test func moduleLinks() {
    #expect(ParleySIPModule.name == "ParleySIP")
}
