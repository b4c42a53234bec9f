import ParleyCodecs

/// The configuration written back as YAML, every option present and commented: what
/// `parleyd --print-defaults` prints. Loading the text gives the same configuration.
extension DaemonConfiguration {
    public var yamlText: String {
        var out = YAMLTextWriter()
        out.comment("parleyd configuration. Every option is shown with its value; omitted options take")
        out.comment("their defaults. Relative paths are resolved against this file's directory.")
        out.line("node_id: \(q(nodeID))", "identifier in call records and metrics (default: host name)")
        out.blank()
        out.line("sip:")
        out.line("  listen:", "addresses and transports (udp, tcp) to listen on")
        for entry in sip.listen {
            out.line("    - address: \(q(entry.address.description))")
            out.line("      transports: [\(entry.transports.map(\.rawValue).joined(separator: ", "))]")
        }
        out.line("  advertised_address: \(opt(sip.advertisedAddress))", "host for Via/Contact/SDP; ~ = listen address")
        out.line("  unlisted_sources: \(sip.unlistedSources.rawValue)", "forbidden (403) or drop, for sources outside every trunk allowlist")
        out.line("  timers:", "RFC 3261 §17 timer bases")
        out.line("    t1_ms: \(sip.t1Ms)")
        out.line("    t2_ms: \(sip.t2Ms)")
        out.line("    t4_ms: \(sip.t4Ms)")
        out.line("  limits:")
        out.line("    max_message_bytes: \(sip.maxMessageBytes)")
        out.line("    max_calls: \(sip.maxCalls)", "more INVITEs get 503 + Retry-After")
        out.line("    rate_limit_per_second: \(sip.rateLimitPerSecond)", "per source address; 0 = off")
        out.line("    rate_limit_burst: \(sip.rateLimitBurst)")
        out.line("    retry_after_s: \(sip.retryAfterS)", "Retry-After on 503 (rate, capacity, drain)")
        out.blank()
        if trunks.isEmpty {
            out.line("trunks: []", "none: any source may call; see docs/config.md for the trunk keys")
        } else {
            out.line("trunks:")
            for trunk in trunks { writeTrunk(trunk, to: &out) }
        }
        out.blank()
        out.line("rtp:")
        out.line("  bind_address: \(q(media.rtpBindHost))")
        out.line("  port_range: {start: \(media.rtpPortStart), end: \(media.rtpPortEnd)}", "even start; at least max_calls × 2 ports")
        out.line("media:")
        out.line("  codecs: [\(media.codecs.map(\.configName).joined(separator: ", "))]", "preference order: pcmu, pcma, opus")
        out.line("  ptime_ms: \(media.ptimeMs)", "10, 20, 30, 40 or 60")
        out.line("  jitter_buffer: {min_ms: \(media.jitterMinMs), max_ms: \(media.jitterMaxMs)}")
        out.line("  threads: \(media.threads)", "media threads")
        out.line("  tick_ms: \(media.tickMs)", "media clock tick: 10 or 20")
        out.line("  timeout_s: \(media.timeoutS)", "no RTP this long ends the call")
        out.line("  fifo_priority: \(media.fifoPriority)", "SCHED_FIFO priority 1-99 for media threads; 0 = normal")
        out.line("listening:")
        out.line("  echo_cancellation: \(listening.echoCancellation.rawValue)", "aec, aecm or off")
        out.line("  noise_suppression: \(listening.noiseSuppression)")
        out.line("  gain_control: \(listening.gainControl)")
        out.line("  end_of_turn_ms: \(listening.endOfTurnMs)", "silence that ends an answer")
        out.line("  incomplete_end_of_turn_ms: \(listening.incompleteEndOfTurnMs)", "while the words do not answer yet")
        out.line("  digit_end_of_turn_ms: \(listening.digitEndOfTurnMs)", "in digit strings")
        out.blank()
        writeRouting(to: &out)
        out.blank()
        writeRecognizer(to: &out)
        out.blank()
        out.line("data_dir: \(q(dataDirectory))", "SQLite store, webhook outbox")
        out.line("recordings:")
        out.line("  enabled: \(recordings.enabled)")
        out.line("  directory: \(opt(recordings.directory))", "~ = <data_dir>/recordings")
        out.line("  format: \(recordings.format.rawValue)", "wav or flac")
        writeWebhooks(to: &out)
        out.line("admin:")
        out.line("  listen: \(q(admin.listen.description))")
        if let variable = admin.tokenEnvironmentVariable {
            out.line("  token_env: \(q(variable))", "bearer token read from this environment variable")
        } else {
            out.line("  token: \(opt(admin.token))", "bearer token for changes; or token_env: VAR")
        }
        out.line("drain_timeout_s: \(drainTimeoutS)", "SIGTERM / POST /drain waits this long, then BYE")
        out.line("logging:")
        out.line("  level: \(logging.level.rawValue)", "trace, debug, info, notice, warning, error")
        out.line("  format: \(logging.format.rawValue)", "text or json")
        out.line("campaigns:", "defaults for outbound campaigns")
        out.line("  trunk: \(opt(campaigns.trunk))", "~ = first trunk with an address")
        out.line("  max_concurrent_calls: \(campaigns.maxConcurrentCalls)")
        out.line("  calls_per_second: \(campaigns.callsPerSecond)")
        out.line("  calling_window: {start: \(q(hhmm(campaigns.windowStartMinutes))), end: \(q(hhmm(campaigns.windowEndMinutes)))}",
                 "in the contact's time zone")
        out.line("  max_attempts: \(campaigns.maxAttempts)")
        out.line("  retry_delay_s: \(campaigns.retryDelayS)")
        return out.text
    }

    private func writeTrunk(_ trunk: TrunkConfiguration, to out: inout YAMLTextWriter) {
        out.line("  - name: \(q(trunk.name))")
        out.line("    address: \(opt(trunk.address?.description))")
        out.line("    outbound_proxy: \(opt(trunk.outboundProxy?.description))")
        out.line("    allow: [\(trunk.allow.map { q($0.description) }.joined(separator: ", "))]")
        if let c = trunk.credentials {
            out.line("    credentials:")
            out.line("      username: \(q(c.username))")
            if let variable = c.passwordEnvironmentVariable {
                out.line("      password_env: \(q(variable))")
            } else {
                out.line("      password: \(q(c.password))")
            }
            out.line("      realm: \(opt(c.realm))")
        }
        out.line("    from: \(opt(trunk.fromURI))")
        out.line("    p_asserted_identity: \(opt(trunk.pAssertedIdentity))")
        out.line("    caller_id: \(opt(trunk.callerID))")
    }

    private func writeRouting(to out: inout YAMLTextWriter) {
        out.line("routing:")
        if routing.rules.isEmpty {
            out.line("  rules: []", "first match wins: {match: called|to_user|header, header, equals|regex, script}")
        } else {
            out.line("  rules:", "first match wins")
            for rule in routing.rules {
                switch rule.field {
                case .called: out.line("    - match: called")
                case .toUser: out.line("    - match: to_user")
                case .header(let name):
                    out.line("    - match: header")
                    out.line("      header: \(q(name))")
                }
                switch rule.match {
                case .exact(let text): out.line("      equals: \(q(text))")
                case .regex(let text): out.line("      regex: \(q(text))")
                }
                out.line("      script: \(q(rule.script))")
            }
        }
        out.line("  default_script: \(opt(routing.defaultScript))", "for calls no rule matches")
        out.line("scripts:")
        out.line("  directory: \(opt(routing.scriptsDirectory))", "also load every script here")
        out.line("  hot_reload: \(routing.hotReload)", "reload when files change (SIGHUP always reloads)")
    }

    private func writeRecognizer(to out: inout YAMLTextWriter) {
        out.line("recognizer:")
        out.line("  engine: \(recognizer.engine.rawValue)", "embedded (pocketsphinx) or vosk")
        out.line("  embedded:")
        out.line("    mode: \(recognizer.embeddedMode.rawValue)", "grammar or lm")
        out.line("    grammar_decoders: \(recognizer.grammarDecoders)", "pool size, ~56 MB each (~27 MB without phone_loop)")
        out.line("    lm_decoders: \(recognizer.lmDecoders)", "pool size, ~90 MB each")
        out.line("    prewarm_decoders: \(recognizer.prewarmDecoders)")
        out.line("    worker_threads: \(recognizer.workerThreads)")
        out.line("    phone_loop: \(recognizer.phoneLoop)", "reject speech the grammar does not cover")
        out.line("    second_pass_ms: \(recognizer.secondPassMs)", "rejected answers up to this long decoded again as lead word + 1-2 phrases; 0 off")
        out.line("  vosk:")
        out.line("    url: \(opt(recognizer.voskURL))", "ws://HOST:PORT or wss://HOST:PORT, required for engine: vosk")
        out.line("    connect_timeout_ms: \(recognizer.voskConnectTimeoutMs)", "connect + TLS + WebSocket handshake")
        out.line("    response_timeout_ms: \(recognizer.voskResponseTimeoutMs)")
        out.line("    ca_file: \(opt(recognizer.voskCAFile))", "CAs trusted for wss:// (PEM); ~ = system store")
    }

    private func writeWebhooks(to out: inout YAMLTextWriter) {
        if webhooks.isEmpty {
            out.line("webhooks: {}", "named endpoints: NAME: {url, timeout_ms, headers, headers_env, retry}")
            return
        }
        out.line("webhooks:")
        for hook in webhooks {
            out.line("  \(q(hook.name)):")
            out.line("    url: \(q(hook.url))")
            out.line("    timeout_ms: \(hook.timeoutMs)")
            if !hook.headers.isEmpty {
                out.line("    headers:")
                for header in hook.headers { out.line("      \(q(header.name)): \(q(header.value))") }
            }
            out.line("    retry: {max_attempts: \(hook.maxAttempts), initial_backoff_ms: \(hook.initialBackoffMs), "
                     + "max_backoff_ms: \(hook.maxBackoffMs)}")
        }
    }

    private func q(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private func opt(_ text: String?) -> String { text.map(q) ?? "~" }

    private func hhmm(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}

/// Lines with optional end-of-line comments aligned in one column.
struct YAMLTextWriter {
    private(set) var text = ""

    mutating func line(_ content: String, _ comment: String? = nil) {
        guard let comment else {
            text += content + "\n"
            return
        }
        let pad = max(1, 44 - content.count)
        text += content + String(repeating: " ", count: pad) + "# " + comment + "\n"
    }

    mutating func comment(_ content: String) { text += "# " + content + "\n" }

    mutating func blank() { text += "\n" }
}
