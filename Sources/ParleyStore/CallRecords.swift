/// Values the call layer hands to the store, and rows it reads back. Times are milliseconds
/// since the Unix epoch (UTC).

public enum CallDirection: String, Sendable, Codable, Equatable {
    case inbound, outbound
}

/// What is known when a call starts (INVITE received or sent).
public struct CallStart: Sendable, Equatable {
    public var callId: String
    public var nodeId: String
    public var direction: CallDirection
    public var fromURI: String
    public var toURI: String
    public var script: String?
    public var scriptVersion: String?
    public var variant: String?
    public var startedAtMs: Int64
    public var sipCallId: String?

    public init(callId: String, nodeId: String = "", direction: CallDirection, fromURI: String, toURI: String,
                script: String? = nil, scriptVersion: String? = nil, variant: String? = nil,
                startedAtMs: Int64, sipCallId: String? = nil) {
        self.callId = callId
        self.nodeId = nodeId
        self.direction = direction
        self.fromURI = fromURI
        self.toURI = toURI
        self.script = script
        self.scriptVersion = scriptVersion
        self.variant = variant
        self.startedAtMs = startedAtMs
        self.sipCallId = sipCallId
    }
}

/// One dialogue turn: a prompt played in a state and what the caller answered.
public struct TurnRecord: Sendable, Equatable, Codable {
    public var seq: Int
    public var state: String
    public var prompt: String?
    public var bargedIn: Bool
    public var transcript: String?
    public var intent: String?
    public var confidence: Double?
    public var emotion: String?
    public var responseMs: Int?
    public var bargeInMs: Int?

    public init(seq: Int, state: String, prompt: String? = nil, bargedIn: Bool = false, transcript: String? = nil,
                intent: String? = nil, confidence: Double? = nil, emotion: String? = nil,
                responseMs: Int? = nil, bargeInMs: Int? = nil) {
        self.seq = seq
        self.state = state
        self.prompt = prompt
        self.bargedIn = bargedIn
        self.transcript = transcript
        self.intent = intent
        self.confidence = confidence
        self.emotion = emotion
        self.responseMs = responseMs
        self.bargeInMs = bargeInMs
    }

    enum CodingKeys: String, CodingKey {
        case seq, state, prompt, transcript, intent, confidence, emotion
        case bargedIn = "barged_in", responseMs = "response_ms", bargeInMs = "barge_in_ms"
    }
}

/// A call-scoped event (DTMF, transfer, webhook triggered, …) with a JSON body.
public struct EventRecord: Sendable, Equatable {
    public var seq: Int
    public var atMs: Int64
    public var kind: String
    public var json: String

    public init(seq: Int, atMs: Int64, kind: String, json: String) {
        self.seq = seq
        self.atMs = atMs
        self.kind = kind
        self.json = json
    }
}

/// A row of `calls` as read back.
public struct CallRow: Sendable, Equatable {
    public var callId: String
    public var nodeId: String
    public var direction: CallDirection
    public var fromURI: String
    public var toURI: String
    public var script: String?
    public var scriptVersion: String?
    public var variant: String?
    public var startedAtMs: Int64
    public var answeredAtMs: Int64?
    public var endedAtMs: Int64?
    public var disposition: String?
    public var tags: [String: String]
    public var sipCallId: String?
}

/// Filters for listing and exporting calls. Time bounds apply to `started_at`:
/// `sinceMs` inclusive, `untilMs` exclusive.
public struct CallQuery: Sendable, Equatable {
    public var sinceMs: Int64?
    public var untilMs: Int64?
    public var disposition: String?
    public var script: String?
    public var limit: Int?

    public init(sinceMs: Int64? = nil, untilMs: Int64? = nil, disposition: String? = nil,
                script: String? = nil, limit: Int? = nil) {
        self.sinceMs = sinceMs
        self.untilMs = untilMs
        self.disposition = disposition
        self.script = script
        self.limit = limit
    }
}
