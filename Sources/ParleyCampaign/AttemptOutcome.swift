/// How one call attempt ended.
public enum AttemptOutcome: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// A person answered and the call ran its course.
    case answered
    case busy
    case noAnswer
    /// The called party declined (603).
    case rejected
    case failed
    /// A machine answered.
    case voicemail
    /// Answered, then cut off before the script finished.
    case dropped
    /// Special information tone: the number is not in service or unreachable.
    case invalidNumber
    /// The result is not known (e.g. the attempt was in flight at a crash).
    case unknown

    /// Classifies a final SIP failure response. `afterRingTimeout` says whether we
    /// cancelled the INVITE ourselves because nobody answered in time.
    public static func classify(sipStatus: Int, afterRingTimeout: Bool) -> AttemptOutcome {
        switch sipStatus {
        case 486, 600: return .busy
        case 408, 480: return .noAnswer
        case 487: return afterRingTimeout ? .noAnswer : .failed
        case 603: return .rejected
        case 404, 410, 484, 604: return .invalidNumber
        default: return .failed
        }
    }
}
