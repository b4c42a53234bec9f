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

    /// UAS negotiation of a received INVITE (RFC 4028 §9). `minSE` is our smallest interval.
    public static func negotiate(request: SIPMessage, minSE: Int = 90, preferredRefresher: Refresher = .uac) -> Negotiation {
        guard let se = request.value(.sessionExpires) else { return .none }
        let parts = se.split(separator: ";", maxSplits: 1)
        guard let first = parts.first, let interval = Int(SIPGrammar.trim(first)), interval > 0 else { return .none }
        let peerMin = request.value(.minSE).flatMap { Int(SIPGrammar.trim($0.split(separator: ";").first ?? "")) } ?? 90
        let floor = max(minSE, peerMin)
        if interval < floor { return .tooSmall(minSE: floor) }
        var refresher = preferredRefresher
        if parts.count > 1, let params = try? SIPParameters.parse(Substring(";" + parts[1])),
           let r = params["refresher"].flatMap({ Refresher(rawValue: $0.lowercased()) }) {
            refresher = r
        } else if !request.tokens(.supported).contains(where: { $0.lowercased() == "timer" }) {
            // A UAC that does not support timers cannot refresh.
            refresher = .uas
        }
        return .accept(SessionTimer(intervalSeconds: interval, refresher: refresher, weRefresh: refresher == .uas))
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
