import Testing
@testable import ParleySpeech

@Test func moduleLinks() {
    #expect(ParleySpeechModule.name == "ParleySpeech")
}
