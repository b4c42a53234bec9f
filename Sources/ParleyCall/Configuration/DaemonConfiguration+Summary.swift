/// A short human summary of the effective configuration (secrets never printed).
extension DaemonConfiguration {
    public var summary: String {
        var lines: [String] = []
        lines.append("node: \(nodeID)")
        let listen = sip.listen.map { "\($0.address) (\($0.transports.map(\.rawValue).joined(separator: "+")))" }
        lines.append("sip: listen \(listen.joined(separator: ", "))"
                     + (sip.advertisedAddress.map { ", advertised \($0)" } ?? "")
                     + "; max \(sip.maxCalls) calls; rate limit \(sip.rateLimitPerSecond)/s per source")
        if trunks.isEmpty {
            lines.append("trunks: none (any source may call)")
        } else {
            for trunk in trunks {
                var text = "trunk \(trunk.name): " + (trunk.address.map { "\($0)" } ?? "inbound only")
                text += ", allow \(trunk.allow.isEmpty ? "none" : trunk.allow.map(\.description).joined(separator: " "))"
                if let c = trunk.credentials {
                    text += ", digest user \(c.username)"
                    if let variable = c.passwordEnvironmentVariable { text += " (password from $\(variable))" }
                }
                lines.append(text)
            }
        }
        lines.append("rtp: \(media.rtpBindHost) ports \(media.rtpPortStart)-\(media.rtpPortEnd); codecs "
                     + "\(media.codecs.map(\.configName).joined(separator: ",")); ptime \(media.ptimeMs) ms; jitter "
                     + "\(media.jitterMinMs)-\(media.jitterMaxMs) ms; \(media.threads) media thread(s) at \(media.tickMs) ms")
        lines.append("listening: echo \(listening.echoCancellation.rawValue), noise suppression "
                     + "\(listening.noiseSuppression ? "on" : "off"), gain control \(listening.gainControl ? "on" : "off")"
                     + "; end of turn \(listening.endOfTurnMs)/\(listening.incompleteEndOfTurnMs)/\(listening.digitEndOfTurnMs) ms")
        lines.append("routing: \(routing.rules.count) rule(s); default script \(routing.defaultScript ?? "none (404)")"
                     + (routing.hotReload ? "; hot reload" : ""))
        switch recognizer.engine {
        case .embedded:
            lines.append("recognizer: embedded (\(recognizer.embeddedMode.rawValue)), \(recognizer.grammarDecoders) "
                         + "grammar / \(recognizer.lmDecoders) lm decoders")
        case .vosk:
            lines.append("recognizer: vosk \(recognizer.voskURL ?? "?")")
        }
        lines.append("data: \(dataDirectory)")
        lines.append("recordings: " + (recordings.enabled
                                        ? "\(recordings.format.rawValue) in \(recordingsDirectory)" : "off"))
        lines.append("webhooks: " + (webhooks.isEmpty ? "none" : webhooks.map(\.name).joined(separator: ", ")))
        lines.append("admin: \(admin.listen)" + (admin.token == nil ? " (no token)" : " (token set)"))
        lines.append("drain timeout: \(drainTimeoutS) s; logging \(logging.level.rawValue) \(logging.format.rawValue)")
        return lines.joined(separator: "\n")
    }
}
