/// ParleySIP — SIP signalling core (RFC 3261): message model, parser and serializer,
/// URIs, transactions, dialogs, digest authentication and source protection, all as
/// pure values and state machines. Transports live above, in the call layer's I/O shell.
public enum ParleySIPModule {
    public static let name = "ParleySIP"
}
