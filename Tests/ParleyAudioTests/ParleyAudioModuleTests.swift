import Testing
@testable import ParleyAudio

@Test func moduleLinks() {
    #expect(ParleyAudioModule.name == "ParleyAudio")
}
