import Testing
@testable import ParleyRealtime

@Test func moduleLinks() {
    #expect(ParleyRealtimeModule.name == "ParleyRealtime")
}
