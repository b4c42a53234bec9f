import Foundation

/// A validated outbound campaign (the YAML format is described in docs/campaigns.md).
public struct CampaignDefinition: Sendable, Equatable {
    public var id: String
    /// Dialogue script run on answered calls (e.g. examples/demo/demo.yaml).
    public var script: String
    /// Name of the SIP trunk calls go out through.
    public var trunk: String
    /// Caller ID presented on outbound calls (E.164).
    public var callerID: String
    /// Path of the contact list (CSV).
    public var contacts: String
    public var maxConcurrentCalls: Int
    public var callsPerSecond: Double
    /// Seconds of ringing before the attempt is cancelled and counted as no answer.
    public var ringTimeoutSec: Int
    /// Time zone for contacts whose list row names none.
    public var defaultTimeZone: TimeZone
    public var schedule: CallingSchedule
    public var retry: RetryPolicy
    /// Normalized E.164 numbers never to call.
    public var doNotCall: Set<String>
    public var frequencyCap: FrequencyCap?
    public var variants: VariantAssigner?
    /// Leave a voicemail message after the beep when a machine answers.
    public var leaveVoicemail: Bool
    /// Answering-machine detection timing (`campaign.amd`; the defaults when absent).
    public var amd: AMDConfiguration
    /// Tag whose presence marks a conversion in the statistics.
    public var conversionTag: String?

    public init(id: String, script: String, trunk: String, callerID: String, contacts: String,
                maxConcurrentCalls: Int, callsPerSecond: Double, ringTimeoutSec: Int = 30,
                defaultTimeZone: String, schedule: CallingSchedule, retry: RetryPolicy,
                doNotCall: [String] = [], frequencyCap: FrequencyCap? = nil,
                variants: VariantAssigner? = nil, leaveVoicemail: Bool = false,
                amd: AMDConfiguration = AMDConfiguration(), conversionTag: String? = nil) throws(CampaignError) {
        try Self.validateID(id)
        guard !script.isEmpty else { throw CampaignError(.invalidDefinition, "script is required") }
        guard !trunk.isEmpty else { throw CampaignError(.invalidDefinition, "trunk is required") }
        let caller = try Self.validateCallerID(callerID)
        guard !contacts.isEmpty else { throw CampaignError(.invalidDefinition, "contacts is required") }
        try Self.validateMaxConcurrentCalls(maxConcurrentCalls)
        try Self.validateCallsPerSecond(callsPerSecond)
        try Self.validateRingTimeoutSec(ringTimeoutSec)
        let zone = try Self.validateTimeZone(defaultTimeZone)
        guard !schedule.windows.isEmpty else { throw CampaignError(.invalidWindow, "at least one calling window") }
        var dnc = Set<String>()
        for (index, number) in doNotCall.enumerated() {
            dnc.insert(try Self.validateDoNotCallEntry(number, index: index))
        }
        self.id = id
        self.script = script
        self.trunk = trunk
        self.callerID = caller
        self.contacts = contacts
        self.maxConcurrentCalls = maxConcurrentCalls
        self.callsPerSecond = callsPerSecond
        self.ringTimeoutSec = ringTimeoutSec
        self.defaultTimeZone = zone
        self.schedule = schedule
        self.retry = retry
        self.doNotCall = dnc
        self.frequencyCap = frequencyCap
        self.variants = variants
        self.leaveVoicemail = leaveVoicemail
        self.amd = amd
        self.conversionTag = conversionTag
    }
}
