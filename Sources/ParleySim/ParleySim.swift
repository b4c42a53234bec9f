/// ParleySim — filled in by its issue. The module exists so the layers are fixed up front.
public enum ParleySimModule {
    public static let name = "ParleySim"
}
