/// ParleyCodecs — see DESIGN.md for this module's place in the layers.
public enum ParleyCodecsModule {
    public static let name = "ParleyCodecs"
}
