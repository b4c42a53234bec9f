/// ParleyStore — filled in by its issue. The module exists so the layers are fixed up front.
public enum ParleyStoreModule {
    public static let name = "ParleyStore"
}
