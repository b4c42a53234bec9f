import Testing
@testable import ParleyYAML

@Test func moduleLinks() {
    #expect(ParleyYAMLModule.name == "ParleyYAML")
}
