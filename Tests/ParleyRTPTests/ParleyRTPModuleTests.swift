import Testing
@testable import ParleyRTP

@Test func moduleLinks() {
    #expect(ParleyRTPModule.name == "ParleyRTP")
}
