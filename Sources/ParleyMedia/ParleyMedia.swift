/// ParleyMedia — filled in by its issue. The module exists so the layers are fixed up front.
public enum ParleyMediaModule {
    public static let name = "ParleyMedia"
}
