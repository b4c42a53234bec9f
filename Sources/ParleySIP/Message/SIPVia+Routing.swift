extension SIPVia {
    /// §18.2.1 and RFC 3581 §4: the top Via of a received request gets `received` when the
    /// packet's source differs from sent-by, and `rport` filled with the source port when
    /// the client asked for it.
    public func stamped(sourceHost: String, sourcePort: Int) -> SIPVia {
        var v = self
        if hasRport {
            v.parameters.set("rport", String(sourcePort))
            v.parameters.set("received", sourceHost)
        } else if hostAddressForComparison != sourceHost.lowercased() {
            v.parameters.set("received", sourceHost)
        }
        return v
    }

    /// Where a response to the request carrying this Via goes over an unreliable transport
    /// (§18.2.2, RFC 3581 §4): maddr if present; else `received` (or the sent-by host) and
    /// the `rport` value (or the sent-by port, default 5060). Reliable transports answer on
    /// the connection the request came in on and do not need this.
    public var responseDestination: (host: String, port: Int) {
        let defaultPort = transport == "TLS" ? 5061 : 5060
        if let maddr { return (maddr, port ?? defaultPort) }
        let host = received ?? hostAddressForComparison
        return (host, rport ?? port ?? defaultPort)
    }

    private var hostAddressForComparison: String {
        let h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { return String(h.dropFirst().dropLast()) }
        return h
    }
}
