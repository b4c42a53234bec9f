/// ParleySpeech — see DESIGN.md for this module's place in the layers.
public enum ParleySpeechModule {
    public static let name = "ParleySpeech"
}
