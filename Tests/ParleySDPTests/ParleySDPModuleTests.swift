import Testing
@testable import ParleySDP

@Test func moduleLinks() {
    #expect(ParleySDPModule.name == "ParleySDP")
}
