import ParleyStore
// Values exchanged between the admin API and the daemon's backend. All are Codable: the
// API writes them as JSON with these (snake_case) keys.

/// `GET /v1/status`.
public struct AdminStatus: Codable, Sendable, Equatable {
    public var nodeId: String
    public var version: String
    public var uptimeSeconds: Double
    public var activeCalls: Int
    public var draining: Bool

    public init(nodeId: String, version: String, uptimeSeconds: Double, activeCalls: Int, draining: Bool) {
        self.nodeId = nodeId
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.activeCalls = activeCalls
        self.draining = draining
    }

    enum CodingKeys: String, CodingKey {
        case nodeId = "node_id", version, uptimeSeconds = "uptime_seconds", activeCalls = "active_calls", draining
    }
}

/// One call in `GET /v1/calls`. Caller numbers are the backend's to include or mask.
public struct AdminCallSummary: Codable, Sendable, Equatable {
    public var callId: String
    public var direction: String
    public var state: String
    public var script: String?
    public var startedAtMs: Int64
    public var answeredAtMs: Int64?
    public var endedAtMs: Int64?
    public var disposition: String?

    public init(callId: String, direction: String, state: String, script: String? = nil, startedAtMs: Int64,
                answeredAtMs: Int64? = nil, endedAtMs: Int64? = nil, disposition: String? = nil) {
        self.callId = callId
        self.direction = direction
        self.state = state
        self.script = script
        self.startedAtMs = startedAtMs
        self.answeredAtMs = answeredAtMs
        self.endedAtMs = endedAtMs
        self.disposition = disposition
    }

    enum CodingKeys: String, CodingKey {
        case callId = "call_id", direction, state, script, startedAtMs = "started_at_ms",
             answeredAtMs = "answered_at_ms", endedAtMs = "ended_at_ms", disposition
    }
}

/// `GET /v1/calls/{id}`: the call, its tags and its turns.
public struct AdminCallDetail: Codable, Sendable, Equatable {
    public var call: AdminCallSummary
    public var tags: [String: String]
    public var turns: [TurnRecord]

    public init(call: AdminCallSummary, tags: [String: String] = [:], turns: [TurnRecord] = []) {
        self.call = call
        self.tags = tags
        self.turns = turns
    }
}

/// A lint finding from a rejected script reload (1-based line and column).
public struct ScriptDiagnostic: Codable, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var severity: String
    public var message: String

    public init(file: String, line: Int, column: Int, severity: String = "error", message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    enum CodingKeys: String, CodingKey { case file, line, column = "col", severity, message }
}

/// The outcome of `POST /v1/scripts/reload`.
public enum ScriptReloadResult: Sendable, Equatable {
    /// The new scripts serve new calls; `scripts` names them (with versions, as the backend likes).
    case accepted(scripts: [String])
    /// Nothing changed; the old scripts keep serving.
    case rejected(diagnostics: [ScriptDiagnostic])
}

/// `POST /v1/drain` and part of the health answer.
public struct AdminDrainState: Codable, Sendable, Equatable {
    public var draining: Bool
    public var activeCalls: Int
    public var deadlineMs: Int64?

    public init(draining: Bool, activeCalls: Int, deadlineMs: Int64? = nil) {
        self.draining = draining
        self.activeCalls = activeCalls
        self.deadlineMs = deadlineMs
    }

    enum CodingKeys: String, CodingKey { case draining, activeCalls = "active_calls", deadlineMs = "deadline_ms" }
}

/// A campaign as the API shows it. `counts` holds per-outcome numbers (dialled, answered, …).
public struct AdminCampaign: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var state: String
    public var counts: [String: Int]

    public init(id: String, name: String, state: String, counts: [String: Int] = [:]) {
        self.id = id
        self.name = name
        self.state = state
        self.counts = counts
    }
}

/// Failures a backend reports; each maps to an HTTP status and a JSON error body.
public struct AdminError: Error, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        case notFound = "not_found"
        case invalidRequest = "invalid_request"
        case conflict
        case unavailable
        case notImplemented = "not_implemented"
        case internalError = "internal"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var status: Int {
        switch code {
        case .notFound: return 404
        case .invalidRequest: return 400
        case .conflict: return 409
        case .unavailable: return 503
        case .notImplemented: return 501
        case .internalError: return 500
        }
    }

    var response: HTTPResponse { .error(status: status, code: code.rawValue, message: message) }
}
