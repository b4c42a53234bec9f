/// ParleyDialogue — see DESIGN.md for this module's place in the layers.
public enum ParleyDialogueModule {
    public static let name = "ParleyDialogue"
}
