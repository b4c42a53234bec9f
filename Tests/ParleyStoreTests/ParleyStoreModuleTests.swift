import Testing
@testable import ParleyStore

@Test func moduleLinks() {
    #expect(ParleyStoreModule.name == "ParleyStore")
}
