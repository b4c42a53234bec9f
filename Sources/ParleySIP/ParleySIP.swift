/// ParleySIP — see DESIGN.md for this module's place in the layers.
public enum ParleySIPModule {
    public static let name = "ParleySIP"
}
