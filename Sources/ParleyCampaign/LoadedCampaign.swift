/// A campaign read from its YAML file, with the files it names already read and checked.
public struct LoadedCampaign: Sendable, Equatable {
    /// The definition; `script` and `contacts` are paths resolved against the campaign file.
    public var definition: CampaignDefinition
    /// The parsed contact list (`definition.contacts`).
    public var contacts: ContactList
    /// The campaign file as given to the loader.
    public var path: String
    /// The do-not-call file, resolved, when the campaign names one.
    public var doNotCallFile: String?

    public init(definition: CampaignDefinition, contacts: ContactList, path: String, doNotCallFile: String? = nil) {
        self.definition = definition
        self.contacts = contacts
        self.path = path
        self.doNotCallFile = doNotCallFile
    }
}
