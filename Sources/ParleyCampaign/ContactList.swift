/// One person to call: an E.164 number plus the variables the script may use.
public struct Contact: Sendable, Equatable, Hashable {
    /// Stable identifier inside the campaign: the normalized number.
    public var id: String { number }
    public var number: String
    public var variables: [String: String]
    /// IANA time zone of the contact (`timezone` column), if the list gives one.
    public var timeZoneIdentifier: String?
    /// Line of the CSV the contact came from (1-based).
    public var line: Int

    public init(number: String, variables: [String: String] = [:], timeZoneIdentifier: String? = nil, line: Int = 0) {
        self.number = number
        self.variables = variables
        self.timeZoneIdentifier = timeZoneIdentifier
        self.line = line
    }
}

/// A parsed contact list: the variable names from the header and the contacts in file order.
public struct ContactList: Sendable, Equatable {
    public var variableNames: [String]
    public var contacts: [Contact]

    public init(variableNames: [String], contacts: [Contact]) {
        self.variableNames = variableNames
        self.contacts = contacts
    }
}
