/// A dialog's identity (RFC 3261 §12): Call-ID plus local and remote tags.
public struct DialogID: Hashable, Sendable, CustomStringConvertible {
    public var callID: String
    public var localTag: String
    public var remoteTag: String

    public init(callID: String, localTag: String, remoteTag: String) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
    }

    public var description: String { "\(callID);local=\(localTag);remote=\(remoteTag)" }

    /// The dialog a received request belongs to (§12.2.2): local tag = To tag, remote = From tag.
    /// Nil for requests outside a dialog (no To tag).
    public static func forIncoming(_ request: SIPMessage) -> DialogID? {
        guard let callID = request.callID, let local = request.to?.tag, let remote = request.from?.tag else { return nil }
        return DialogID(callID: callID, localTag: local, remoteTag: remote)
    }

    /// The dialog a received response belongs to (UAC side): local = From tag, remote = To tag.
    public static func forResponse(_ response: SIPMessage) -> DialogID? {
        guard let callID = response.callID, let local = response.from?.tag, let remote = response.to?.tag else { return nil }
        return DialogID(callID: callID, localTag: local, remoteTag: remote)
    }
}
