import Testing
@testable import ParleyCodecs

@Test func moduleLinks() {
    #expect(ParleyCodecsModule.name == "ParleyCodecs")
}
