/// ParleyYAML — see DESIGN.md for this module's place in the layers.
public enum ParleyYAMLModule {
    public static let name = "ParleyYAML"
}
