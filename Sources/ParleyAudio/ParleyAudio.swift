/// ParleyAudio — see DESIGN.md for this module's place in the layers.
public enum ParleyAudioModule {
    public static let name = "ParleyAudio"
}
