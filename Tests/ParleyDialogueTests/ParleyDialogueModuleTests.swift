import Testing
@testable import ParleyDialogue

@Test func moduleLinks() {
    #expect(ParleyDialogueModule.name == "ParleyDialogue")
}
