/// Session timers (RFC 4028) as pure logic: negotiation of Session-Expires/Min-SE and the
/// refresher, and the timer actions that follow.
public struct SessionTimer: Sendable, Equatable {
    public enum Refresher: String, Sendable { case uac, uas }

    public enum Negotiation: Sendable, Equatable {
        /// The peer did not ask (and we do not require): no session timer.
        case none
        /// Use this interval; put `sessionExpiresHeader` in the 2xx and `Require: timer`
        /// if the request's Supported had `timer`.
        case accept(SessionTimer)
        /// Answer 422 with `Min-SE: minSE`.
        case tooSmall(minSE: Int)
    }

    public enum Event: Sendable, Equatable {
        case start
        /// A refresh (re-INVITE/UPDATE 2xx) went through.
        case refreshed
        case timerFired
    }

    public enum Action: Sendable, Equatable {
        case startTimer(delayMs: Int)
        /// We are the refresher: send a re-INVITE or UPDATE now.
        case sendRefresh
        /// No refresh came: send BYE (RFC 4028 §10).
        case expire
    }

    public var intervalSeconds: Int
    public var refresher: Refresher
    /// Whether we (this side) are the refresher.
    public var weRefresh: Bool

    public init(intervalSeconds: Int, refresher: Refresher, weRefresh: Bool) {
        self.intervalSeconds = intervalSeconds
        self.refresher = refresher
        self.weRefresh = weRefresh
    }

    /// `Session-Expires: <interval>;refresher=<uac|uas>`.
    public var sessionExpiresHeader: String { "\(intervalSeconds);refresher=\(refresher.rawValue)" }

    /// UAS negotiation of a received INVITE (RFC 4028 §9). `minSE` is our smallest interval;
    /// a request below it gets 422 (§9: only our own Min-SE rejects). The interval may be
    /// lowered to `maxInterval`, never below our Min-SE or the request's Min-SE.
    public static func negotiate(request: SIPMessage, minSE: Int = 90, maxInterval: Int? = nil,
                                 preferredRefresher: Refresher = .uac) -> Negotiation {
        guard let se = request.value(.sessionExpires) else { return .none }
        let parts = se.split(separator: ";", maxSplits: 1)
        guard let first = parts.first, let requested = Int(SIPGrammar.trim(first)), requested > 0 else { return .none }
        if requested < minSE { return .tooSmall(minSE: minSE) }
        let peerMin = request.value(.minSE).flatMap { Int(SIPGrammar.trim($0.split(separator: ";").first ?? "")) } ?? 0
        let interval = min(requested, max(maxInterval ?? requested, minSE, peerMin))
        var refresher = preferredRefresher
        if parts.count > 1, let params = try? SIPParameters.parse(Substring(";" + parts[1])),
           let r = params["refresher"].flatMap({ Refresher(rawValue: $0.lowercased()) }) {
            refresher = r
        } else if !supportsTimer(request) {
            // A UAC that does not support timers cannot refresh.
            refresher = .uas
        }
        return .accept(SessionTimer(intervalSeconds: interval, refresher: refresher, weRefresh: refresher == .uas))
    }

    /// The timer a UAC learns from the 2xx to its INVITE or refresh (RFC 4028 §7.2): nil
    /// when the 2xx carries no Session-Expires. No refresher parameter means the UAC refreshes.
    public static func fromResponse(_ response: SIPMessage, weAre role: Refresher) -> SessionTimer? {
        guard let se = response.value(.sessionExpires) else { return nil }
        let parts = se.split(separator: ";", maxSplits: 1)
        guard let first = parts.first, let interval = Int(SIPGrammar.trim(first)), interval > 0 else { return nil }
        var refresher = Refresher.uac
        if parts.count > 1, let params = try? SIPParameters.parse(Substring(";" + parts[1])),
           let r = params["refresher"].flatMap({ Refresher(rawValue: $0.lowercased()) }) {
            refresher = r
        }
        return SessionTimer(intervalSeconds: interval, refresher: refresher, weRefresh: refresher == role)
    }

    /// Whether the message's Supported lists `timer`.
    public static func supportsTimer(_ message: SIPMessage) -> Bool {
        message.tokens(.supported).contains { $0.lowercased() == "timer" }
    }

    /// The refresher refreshes at half the interval; the other side gives up at the
    /// interval minus min(32 s, interval/3) (RFC 4028 §10).
    public var delayMs: Int {
        weRefresh ? intervalSeconds * 500 : (intervalSeconds - min(32, intervalSeconds / 3)) * 1_000
    }

    public func handle(_ event: Event) -> [Action] {
        switch event {
        case .start, .refreshed:
            return [.startTimer(delayMs: delayMs)]
        case .timerFired:
            return weRefresh ? [.sendRefresh, .startTimer(delayMs: delayMs)] : [.expire]
        }
    }
}

/// How a `SIPStack` uses session timers (RFC 4028): on by default with Session-Expires
/// 1800 s and Min-SE 90 s (the RFC's floor; tests may lower it to seconds).
public struct SessionTimerPolicy: Sendable, Equatable {
    public var enabled: Bool
    /// The longest interval we accept; a longer request is lowered to this (never below Min-SE).
    public var sessionExpiresSeconds: Int
    /// Our Min-SE: a request below it gets 422 with this value.
    public var minSESeconds: Int
    /// Who refreshes when the UAC supports timers and names no refresher.
    public var preferredRefresher: SessionTimer.Refresher

    public init(enabled: Bool = true, sessionExpiresSeconds: Int = 1_800, minSESeconds: Int = 90,
                preferredRefresher: SessionTimer.Refresher = .uac) {
        self.enabled = enabled
        self.sessionExpiresSeconds = sessionExpiresSeconds
        self.minSESeconds = minSESeconds
        self.preferredRefresher = preferredRefresher
    }

    public func negotiate(_ request: SIPMessage) -> SessionTimer.Negotiation {
        guard enabled else { return .none }
        return SessionTimer.negotiate(request: request, minSE: minSESeconds, maxInterval: sessionExpiresSeconds,
                                      preferredRefresher: preferredRefresher)
    }
}
