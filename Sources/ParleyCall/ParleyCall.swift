/// ParleyCall — filled in by its issue. The module exists so the layers are fixed up front.
public enum ParleyCallModule {
    public static let name = "ParleyCall"
}
