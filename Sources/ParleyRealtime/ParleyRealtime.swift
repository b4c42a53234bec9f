/// ParleyRealtime — see DESIGN.md for this module's place in the layers.
public enum ParleyRealtimeModule {
    public static let name = "ParleyRealtime"
}
