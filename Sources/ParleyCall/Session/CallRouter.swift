import Foundation
import ParleySIP

/// Picks the script for an inbound INVITE: the first routing rule whose field matches,
/// else the default script, else none (the call is refused with 404).
public struct CallRouter: Sendable {
    public let routing: RoutingConfiguration

    public init(routing: RoutingConfiguration) {
        self.routing = routing
    }

    public func script(for invite: SIPMessage) -> String? {
        for rule in routing.rules {
            guard let value = Self.value(of: rule.field, in: invite) else { continue }
            if Self.matches(rule.match, value) { return rule.script }
        }
        return routing.defaultScript
    }

    static func value(of field: RoutingField, in invite: SIPMessage) -> String? {
        switch field {
        case .called:
            return invite.requestURI?.user
        case .toUser:
            return invite.to?.uri.user
        case .header(let name):
            return invite.value(SIPHeaderName(name))
        }
    }

    static func matches(_ match: RoutingMatch, _ value: String) -> Bool {
        switch match {
        case .exact(let expected):
            return value == expected
        case .regex(let pattern):
            return value.range(of: pattern, options: .regularExpression) != nil
        }
    }
}
