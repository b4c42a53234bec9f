/// ParleyCampaign — filled in by its issue. The module exists so the layers are fixed up front.
public enum ParleyCampaignModule {
    public static let name = "ParleyCampaign"
}
