/// ParleyRTP — see DESIGN.md for this module's place in the layers.
public enum ParleyRTPModule {
    public static let name = "ParleyRTP"
}
