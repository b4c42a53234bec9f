import Foundation
import ParleyRealtime
import ParleySIP
import ParleySpeech
import ParleyStore

/// Building the daemon's parts from its configuration.
extension CallDaemon {
    /// One SIP transport with every listener, and the stack over it.
    static func makeStack(_ configuration: DaemonConfiguration,
                          loop: EventLoop) throws(CallDaemonError) -> (SIPStack, [SocketAddress]) {
        let sip = configuration.sip
        let allLoopback = sip.listen.allSatisfy { $0.address.isLoopback }
        let transport = ParleySIP.SIPTransport(loop: loop, configuration: SIPTransportConfiguration(
            limits: SIPLimits(maxMessageBytes: sip.maxMessageBytes), loopbackOnly: allLoopback))
        var bound: [SocketAddress] = []
        for listen in sip.listen {
            var address = listen.address
            do {
                // UDP first: its actual port (when 0 was asked for) is also TCP's.
                if listen.transports.contains(.udp) {
                    address = try transport.bindUDP(address)
                }
                if listen.transports.contains(.tcp) {
                    address = try transport.listenTCP(address)
                }
            } catch {
                throw CallDaemonError(.sip, "cannot listen on \(listen.address): \(error)")
            }
            bound.append(address)
        }
        let localHost = sip.advertisedAddress ?? bound.first?.host ?? "127.0.0.1"
        var allowlist: CIDRAllowlist?
        if configuration.hasAllowlist {
            allowlist = CIDRAllowlist(configuration.trunks.flatMap { $0.allow.map(\.description) },
                                      rejection: sip.unlistedSources == .forbidden ? .forbidden403 : .silentDrop)
        }
        let rate: (ratePerSecond: Double, burst: Double)? = sip.rateLimitPerSecond > 0
            ? (Double(sip.rateLimitPerSecond), Double(sip.rateLimitBurst)) : nil
        let stackConfiguration = SIPStackConfiguration(
            localHost: localHost, timers: TransactionTimers(t1Ms: sip.t1Ms, t2Ms: sip.t2Ms, t4Ms: sip.t4Ms),
            allowlist: allowlist, rateLimit: rate, outboundProxy: nil,
            options: OptionsResponder(retryAfterSeconds: sip.retryAfterS), userAgent: "Parley")
        return (SIPStack(transport: transport, configuration: stackConfiguration), bound)
    }

    /// The configured engine; a recognizer that cannot start is logged and calls run on
    /// DTMF alone (the scripts' `asr_error` paths apply).
    static func makeRecognizer(_ configuration: DaemonConfiguration, log: CallLog) -> ((any SpeechRecognizer)?, String) {
        switch configuration.recognizer.engine {
        case .embedded:
            do {
                return (try EmbeddedRecognizer(configuration: configuration.embeddedRecognizerConfiguration), "embedded")
            } catch {
                log.error("embedded recognizer unavailable", ["error": error.description])
                return (nil, "embedded")
            }
        case .vosk:
            guard let vosk = configuration.voskRecognizerConfiguration else { return (nil, "vosk") }
            do {
                return (try VoskRecognizer(configuration: vosk), "vosk")
            } catch {
                log.error("vosk recognizer unavailable", ["error": error.description])
                return (nil, "vosk")
            }
        }
    }

    /// The outbox retry policy: the most patient endpoint's (the outbox has one policy).
    static func backoffPolicy(_ configuration: DaemonConfiguration) -> BackoffPolicy {
        guard !configuration.webhooks.isEmpty else { return BackoffPolicy() }
        let hooks = configuration.webhooks
        return BackoffPolicy(baseDelayMs: Int64(hooks.map(\.initialBackoffMs).min() ?? 1000),
                             maxDelayMs: Int64(hooks.map(\.maxBackoffMs).max() ?? 300_000),
                             maxAttempts: hooks.map(\.maxAttempts).max() ?? 10)
    }

    static func delivererConfiguration(_ configuration: DaemonConfiguration) -> WebhookDeliverer.Configuration {
        var perEndpoint: [String: [String: String]] = [:]
        for hook in configuration.webhooks {
            var headers: [String: String] = [:]
            for (name, value) in hook.headers { headers[name] = value }
            perEndpoint[hook.name] = headers
        }
        return WebhookDeliverer.Configuration(
            requestTimeoutMs: configuration.webhooks.map(\.timeoutMs).max() ?? 5000, batchSize: 16, idlePollMs: 500,
            headers: [:], endpointHeaders: perEndpoint)
    }
}
