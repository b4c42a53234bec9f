/// ParleySDP — see DESIGN.md for this module's place in the layers.
public enum ParleySDPModule {
    public static let name = "ParleySDP"
}
