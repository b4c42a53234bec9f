import ParleyCodecs
import ParleyRealtime
import ParleyYAML

/// The `sip`, `trunks`, `rtp`, `media` and `listening` sections.
extension ConfigurationReader {
    static let sipKeys = ["listen", "advertised_address", "timers", "limits", "unlisted_sources"]

    mutating func readSIP(_ node: YAMLNode?) -> SIPConfiguration {
        var sip = SIPConfiguration()
        guard let r = section(node, keys: Self.sipKeys, context: "sip") else { return sip }
        if let items = list(r, "listen") {
            var listen: [SIPListenAddress] = []
            for item in items {
                guard let entry = readListen(item) else { continue }
                if listen.contains(where: { $0.address == entry.address }) {
                    report(.invalidValue, "sip.listen has \(entry.address) twice", at: item.mark)
                } else {
                    listen.append(entry)
                }
            }
            if items.isEmpty, let node = value(r, "listen") {
                report(.invalidValue, "sip.listen needs at least one address", at: node.mark)
            }
            if !listen.isEmpty { sip.listen = listen }
        }
        sip.advertisedAddress = string(r, "advertised_address")
        let timers = section(value(r, "timers"), keys: ["t1_ms", "t2_ms", "t4_ms"], context: "sip.timers")
        sip.t1Ms = int(timers, "t1_ms", default: sip.t1Ms, in: 10...60_000)
        sip.t2Ms = int(timers, "t2_ms", default: sip.t2Ms, in: 10...600_000)
        sip.t4Ms = int(timers, "t4_ms", default: sip.t4Ms, in: 10...600_000)
        if sip.t2Ms < sip.t1Ms, let node = value(timers, "t2_ms") {
            report(.invalidValue, "sip.timers.t2_ms (\(sip.t2Ms)) must not be below t1_ms (\(sip.t1Ms))", at: node.mark)
        }
        let limits = section(value(r, "limits"), keys: ["max_message_bytes", "max_calls", "rate_limit_per_second",
                                                        "rate_limit_burst", "retry_after_s"], context: "sip.limits")
        sip.maxMessageBytes = int(limits, "max_message_bytes", default: sip.maxMessageBytes, in: 1500...1_048_576)
        sip.maxCalls = int(limits, "max_calls", default: sip.maxCalls, in: 1...100_000)
        sip.rateLimitPerSecond = int(limits, "rate_limit_per_second", default: sip.rateLimitPerSecond, in: 0...1_000_000)
        sip.rateLimitBurst = int(limits, "rate_limit_burst", default: sip.rateLimitBurst, in: 1...1_000_000)
        sip.retryAfterS = int(limits, "retry_after_s", default: sip.retryAfterS, in: 1...86_400)
        sip.unlistedSources = choice(r, "unlisted_sources", default: sip.unlistedSources)
        return sip
    }

    /// `"HOST:PORT"` (UDP and TCP) or `{address: HOST:PORT, transports: [udp, tcp]}`.
    private mutating func readListen(_ node: YAMLNode) -> SIPListenAddress? {
        if case .scalar = node.content {
            guard let address = address(node, what: "sip.listen address") else { return nil }
            return SIPListenAddress(address: address)
        }
        guard let r = section(node, keys: ["address", "transports"], context: "sip.listen") else { return nil }
        guard let addressNode = value(r, "address") else {
            report(.missingKey, "missing key 'address' in sip.listen", at: node.mark)
            return nil
        }
        let parsed = address(addressNode, what: "sip.listen address")
        var transports: [SIPTransport] = [.udp, .tcp]
        if let items = list(r, "transports") {
            transports = []
            for item in items {
                guard let text = string(item, what: "transport") else { continue }
                if let t = SIPTransport(rawValue: text) {
                    if !transports.contains(t) { transports.append(t) }
                } else {
                    report(.invalidValue, "unknown transport '\(text)'; expected udp or tcp", at: item.mark)
                }
            }
            if items.isEmpty, let n = value(r, "transports") {
                report(.invalidValue, "transports needs at least one of udp, tcp", at: n.mark)
            }
        }
        guard let parsed, !transports.isEmpty else { return nil }
        return SIPListenAddress(address: parsed, transports: transports)
    }

    static let trunkKeys = ["name", "address", "outbound_proxy", "allow", "credentials", "from",
                            "p_asserted_identity", "caller_id"]

    mutating func readTrunks(_ node: YAMLNode?) -> [TrunkConfiguration] {
        guard let node, !node.isNull else { return [] }
        let items: [YAMLNode]
        do throws(YAMLError) { items = try node.sequence() } catch {
            report(error, option: "trunks")
            return []
        }
        var trunks: [TrunkConfiguration] = []
        for item in items {
            guard let r = section(item, keys: Self.trunkKeys, context: "trunks") else { continue }
            guard let nameNode = value(r, "name"), let name = string(nameNode, what: "name") else {
                if value(r, "name") == nil { report(.missingKey, "missing key 'name' in trunks", at: item.mark) }
                continue
            }
            if trunks.contains(where: { $0.name == name }) {
                report(.invalidValue, "duplicate trunk name '\(name)'", at: nameNode.mark)
                continue
            }
            var trunk = TrunkConfiguration(name: name)
            trunk.address = address(r, "address")
            trunk.outboundProxy = address(r, "outbound_proxy")
            for cidrNode in list(r, "allow") ?? [] {
                guard let text = string(cidrNode, what: "allow entry") else { continue }
                if let block = CIDRBlock(parsing: text) {
                    trunk.allow.append(block)
                } else {
                    report(.invalidCIDR, "invalid CIDR '\(text)': expected ADDRESS/PREFIX with no host bits set "
                           + "(e.g. 192.0.2.0/24, 2001:db8::/32)", at: cidrNode.mark)
                }
            }
            trunk.credentials = readCredentials(value(r, "credentials"))
            trunk.fromURI = string(r, "from")
            trunk.pAssertedIdentity = string(r, "p_asserted_identity")
            trunk.callerID = string(r, "caller_id")
            trunks.append(trunk)
        }
        return trunks
    }

    private mutating func readCredentials(_ node: YAMLNode?) -> DigestCredentials? {
        guard let node, let r = section(node, keys: ["username", "password", "password_env", "realm"],
                                        context: "credentials") else { return nil }
        let username = string(r, "username")
        if value(r, "username") == nil { report(.missingKey, "missing key 'username' in credentials", at: node.mark) }
        let (password, variable) = secret(r, "password", envKey: "password_env")
        if value(r, "password") == nil, value(r, "password_env") == nil {
            report(.missingKey, "missing key 'password' (or 'password_env') in credentials", at: node.mark)
        }
        guard let username, let password else { return nil }
        return DigestCredentials(username: username, password: password, passwordEnvironmentVariable: variable,
                                 realm: string(r, "realm"))
    }

    static let rtpKeys = ["bind_address", "port_range"]
    static let mediaKeys = ["codecs", "ptime_ms", "jitter_buffer", "threads", "tick_ms", "timeout_s", "fifo_priority"]

    /// Reads `rtp` and `media`; the port range is checked against `maxCalls`.
    mutating func readMedia(rtp rtpNode: YAMLNode?, media mediaNode: YAMLNode?, maxCalls: Int) -> MediaConfiguration {
        var media = MediaConfiguration()
        let rtp = section(rtpNode, keys: Self.rtpKeys, context: "rtp")
        media.rtpBindHost = host(rtp, "bind_address", default: media.rtpBindHost)
        if let rangeNode = value(rtp, "port_range") {
            readPortRange(rangeNode, into: &media, maxCalls: maxCalls)
        } else if media.rtpPortCount < maxCalls * 2 {
            report(.invalidPortRange, "the default RTP port range \(media.rtpPortStart)-\(media.rtpPortEnd) holds "
                   + "\(media.rtpPortCount) ports; \(maxCalls) calls need \(maxCalls * 2) (max_calls × 2)",
                   at: rtpNode?.mark ?? origin)
        }
        let r = section(mediaNode, keys: Self.mediaKeys, context: "media")
        if let items = list(r, "codecs") {
            var codecs: [Codec] = []
            for item in items {
                guard let text = string(item, what: "codec") else { continue }
                guard let codec = Codec.allCases.first(where: { $0.configName == text.lowercased() }) else {
                    report(.unknownCodec, "unknown codec '\(text)'; expected pcmu, pcma or opus", at: item.mark)
                    continue
                }
                if codecs.contains(codec) {
                    report(.invalidValue, "codec '\(text)' is listed twice", at: item.mark)
                } else {
                    codecs.append(codec)
                }
            }
            if items.isEmpty, let node = value(r, "codecs") {
                report(.invalidValue, "media.codecs needs at least one codec", at: node.mark)
            }
            if !codecs.isEmpty { media.codecs = codecs }
        }
        media.ptimeMs = int(r, "ptime_ms", default: media.ptimeMs, in: 10...60)
        if ![10, 20, 30, 40, 60].contains(media.ptimeMs), let node = value(r, "ptime_ms") {
            report(.invalidValue, "media.ptime_ms must be 10, 20, 30, 40 or 60, found \(media.ptimeMs)", at: node.mark)
            media.ptimeMs = 20
        }
        let jitter = section(value(r, "jitter_buffer"), keys: ["min_ms", "max_ms"], context: "media.jitter_buffer")
        media.jitterMinMs = int(jitter, "min_ms", default: media.jitterMinMs, in: 0...2000)
        media.jitterMaxMs = int(jitter, "max_ms", default: media.jitterMaxMs, in: 10...5000)
        if media.jitterMaxMs < media.jitterMinMs {
            let mark = value(jitter, "max_ms")?.mark ?? value(jitter, "min_ms")?.mark ?? mediaNode?.mark
            if let mark {
                report(.invalidValue, "media.jitter_buffer.max_ms (\(media.jitterMaxMs)) must not be below min_ms "
                       + "(\(media.jitterMinMs))", at: mark)
            }
        }
        media.threads = int(r, "threads", default: media.threads, in: 1...64)
        media.tickMs = int(r, "tick_ms", default: media.tickMs, in: 10...20)
        if media.tickMs != 10, media.tickMs != 20, let node = value(r, "tick_ms") {
            report(.invalidValue, "media.tick_ms must be 10 or 20, found \(media.tickMs)", at: node.mark)
            media.tickMs = 10
        }
        media.timeoutS = int(r, "timeout_s", default: media.timeoutS, in: 1...3600)
        media.fifoPriority = int(r, "fifo_priority", default: media.fifoPriority, in: 0...99)
        return media
    }

    private mutating func readPortRange(_ node: YAMLNode, into media: inout MediaConfiguration, maxCalls: Int) {
        guard let r = section(node, keys: ["start", "end"], context: "rtp.port_range") else { return }
        guard let startNode = value(r, "start"), let endNode = value(r, "end") else {
            report(.missingKey, "rtp.port_range needs both 'start' and 'end'", at: node.mark)
            return
        }
        let start = int(r, "start", default: -1, in: 1024...65535)
        let end = int(r, "end", default: -1, in: 1024...65535)
        guard start >= 0, end >= 0 else { return }
        var valid = true
        if start % 2 != 0 {
            report(.invalidPortRange, "rtp.port_range.start must be even (RTP takes the even port, RTCP the odd one "
                   + "above), found \(start)", at: startNode.mark)
            valid = false
        }
        if start > end {
            report(.invalidPortRange, "rtp.port_range.start (\(start)) is above end (\(end))", at: endNode.mark)
            valid = false
        } else if end - start + 1 < maxCalls * 2 {
            report(.invalidPortRange, "rtp.port_range \(start)-\(end) holds \(end - start + 1) ports; \(maxCalls) "
                   + "calls need \(maxCalls * 2) (max_calls × 2)", at: node.mark)
            valid = false
        }
        if valid {
            media.rtpPortStart = start
            media.rtpPortEnd = end
        }
    }

    static let listeningKeys = ["echo_cancellation", "noise_suppression", "gain_control", "end_of_turn_ms",
                                "incomplete_end_of_turn_ms", "digit_end_of_turn_ms"]

    mutating func readListening(_ node: YAMLNode?) -> ListeningSettings {
        var listening = ListeningSettings()
        let r = section(node, keys: Self.listeningKeys, context: "listening")
        listening.echoCancellation = choice(r, "echo_cancellation", default: listening.echoCancellation)
        listening.noiseSuppression = bool(r, "noise_suppression", default: listening.noiseSuppression)
        listening.gainControl = bool(r, "gain_control", default: listening.gainControl)
        listening.endOfTurnMs = int(r, "end_of_turn_ms", default: listening.endOfTurnMs, in: 100...5_000)
        // Never shorter than the complete answer's silence, or a partial that does not
        // answer yet would end the turn sooner than one that does.
        listening.incompleteEndOfTurnMs = int(r, "incomplete_end_of_turn_ms", default: max(listening.endOfTurnMs,
                                              listening.incompleteEndOfTurnMs), in: listening.endOfTurnMs...10_000)
        listening.digitEndOfTurnMs = int(r, "digit_end_of_turn_ms", default: max(listening.endOfTurnMs,
                                         listening.digitEndOfTurnMs), in: listening.endOfTurnMs...10_000)
        return listening
    }
}
