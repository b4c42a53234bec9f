/// ParleyAdmin — filled in by its issue. The module exists so the layers are fixed up front.
public enum ParleyAdminModule {
    public static let name = "ParleyAdmin"
}
