import Foundation
import ParleyYAML

/// The `routing`, `scripts`, `recognizer`, `recordings`, `webhooks`, `admin`, `logging`
/// and `campaigns` sections.
extension ConfigurationReader {
    static let routingKeys = ["rules", "default_script"]
    static let ruleKeys = ["match", "header", "equals", "regex", "script"]

    mutating func readRouting(_ node: YAMLNode?, scripts scriptsNode: YAMLNode?) -> RoutingConfiguration {
        var routing = RoutingConfiguration()
        let r = section(node, keys: Self.routingKeys, context: "routing")
        if let items = list(r, "rules") {
            for item in items { if let rule = readRule(item) { routing.rules.append(rule) } }
        }
        if let scriptNode = value(r, "default_script") {
            routing.defaultScript = scriptFile(scriptNode)
        } else if let fallback = routing.defaultScript {
            let path = resolve(fallback)
            routing.defaultScript = path
            if !FileManager.default.fileExists(atPath: path) {
                report(.missingScript, "default script file not found: \(path) (set routing.default_script)",
                       at: node?.mark ?? origin)
            }
        }
        let scripts = section(scriptsNode, keys: ["directory", "hot_reload"], context: "scripts")
        if let dirNode = value(scripts, "directory"), let text = string(dirNode, what: "directory") {
            let path = resolve(text)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                routing.scriptsDirectory = path
            } else {
                report(.missingScript, "scripts directory not found: \(path)", at: dirNode.mark)
            }
        }
        routing.hotReload = bool(scripts, "hot_reload", default: routing.hotReload)
        return routing
    }

    private mutating func readRule(_ node: YAMLNode) -> RoutingRule? {
        guard let r = section(node, keys: Self.ruleKeys, context: "routing rule") else { return nil }
        var field: RoutingField = .called
        if let matchNode = value(r, "match"), let text = string(matchNode, what: "match") {
            switch text {
            case "called": field = .called
            case "to_user": field = .toUser
            case "header":
                guard let header = string(r, "header") else {
                    report(.missingKey, "match: header needs a 'header' name", at: matchNode.mark)
                    return nil
                }
                field = .header(header)
            default:
                report(.invalidValue, "match must be one of called, to_user, header, found '\(text)'", at: matchNode.mark)
                return nil
            }
        }
        if case .header = field {} else if let headerNode = value(r, "header") {
            report(.invalidValue, "'header' is only used with match: header", at: headerNode.mark)
        }
        let equals = string(r, "equals"), regex = value(r, "regex")
        var match: RoutingMatch?
        switch (equals, regex) {
        case (let text?, nil):
            match = .exact(text)
        case (nil, let regexNode?):
            if let pattern = string(regexNode, what: "regex") {
                if (try? NSRegularExpression(pattern: pattern)) != nil {
                    match = .regex(pattern)
                } else {
                    report(.invalidValue, "invalid regular expression '\(pattern)'", at: regexNode.mark)
                }
            }
        case (_?, _?):
            report(.conflictingKeys, "write either equals or regex, not both", at: r.keyMark("regex") ?? node.mark)
        case (nil, nil):
            if value(r, "equals") == nil {
                report(.missingKey, "missing key 'equals' (or 'regex') in routing rule", at: node.mark)
            }
        }
        guard let scriptNode = value(r, "script") else {
            report(.missingKey, "missing key 'script' in routing rule", at: node.mark)
            return nil
        }
        guard let script = scriptFile(scriptNode), let match else { return nil }
        return RoutingRule(field: field, match: match, script: script)
    }

    /// A script path that must name an existing file.
    private mutating func scriptFile(_ node: YAMLNode) -> String? {
        guard let text = string(node, what: "script") else { return nil }
        let path = resolve(text)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            report(.missingScript, "script file not found: \(path)", at: node.mark)
            return nil
        }
        return path
    }

    static let recognizerKeys = ["engine", "embedded", "vosk"]

    mutating func readRecognizer(_ node: YAMLNode?) -> RecognizerConfiguration {
        var rec = RecognizerConfiguration()
        let r = section(node, keys: Self.recognizerKeys, context: "recognizer")
        rec.engine = choice(r, "engine", default: rec.engine)
        let embedded = section(value(r, "embedded"), keys: ["mode", "grammar_decoders", "lm_decoders",
                                                             "prewarm_decoders", "worker_threads", "phone_loop",
                                                             "second_pass_ms"],
                               context: "recognizer.embedded")
        rec.embeddedMode = choice(embedded, "mode", default: rec.embeddedMode)
        rec.grammarDecoders = int(embedded, "grammar_decoders", default: rec.grammarDecoders, in: 1...256)
        rec.lmDecoders = int(embedded, "lm_decoders", default: rec.lmDecoders, in: 0...64)
        rec.prewarmDecoders = int(embedded, "prewarm_decoders", default: rec.prewarmDecoders, in: 0...256)
        rec.workerThreads = int(embedded, "worker_threads", default: rec.workerThreads, in: 1...64)
        rec.phoneLoop = bool(embedded, "phone_loop", default: rec.phoneLoop)
        rec.secondPassMs = int(embedded, "second_pass_ms", default: rec.secondPassMs, in: 0...60_000)
        if rec.embeddedMode == .lm, rec.lmDecoders == 0, let n = value(embedded, "mode") {
            report(.invalidValue, "mode: lm needs lm_decoders of at least 1", at: n.mark)
        }
        let vosk = section(value(r, "vosk"), keys: ["url", "connect_timeout_ms", "response_timeout_ms", "ca_file"],
                           context: "recognizer.vosk")
        if let urlNode = value(vosk, "url"), let url = string(urlNode, what: "url") {
            if url.hasPrefix("ws://") || url.hasPrefix("wss://"), URL(string: url)?.host != nil {
                rec.voskURL = url
            } else {
                report(.invalidValue, "invalid recognizer.vosk.url '\(url)': expected ws://HOST:PORT or wss://HOST:PORT",
                       at: urlNode.mark)
            }
        } else if rec.engine == .vosk, let engineNode = value(r, "engine") {
            report(.missingKey, "engine: vosk needs recognizer.vosk.url", at: engineNode.mark)
        }
        rec.voskConnectTimeoutMs = int(vosk, "connect_timeout_ms", default: rec.voskConnectTimeoutMs, in: 1...600_000)
        rec.voskResponseTimeoutMs = int(vosk, "response_timeout_ms", default: rec.voskResponseTimeoutMs, in: 1...600_000)
        if let caNode = value(vosk, "ca_file"), let caFile = path(vosk, "ca_file") {
            if FileManager.default.isReadableFile(atPath: caFile) {
                rec.voskCAFile = caFile
            } else {
                report(.invalidValue, "recognizer.vosk.ca_file not readable: \(caFile)", at: caNode.mark)
            }
        }
        return rec
    }

    mutating func readRecordings(_ node: YAMLNode?) -> RecordingConfiguration {
        var recordings = RecordingConfiguration()
        let r = section(node, keys: ["enabled", "directory", "format"], context: "recordings")
        recordings.enabled = bool(r, "enabled", default: recordings.enabled)
        recordings.directory = path(r, "directory")
        recordings.format = choice(r, "format", default: recordings.format)
        return recordings
    }

    static let webhookKeys = ["url", "timeout_ms", "headers", "headers_env", "retry"]

    mutating func readWebhooks(_ node: YAMLNode?) -> [WebhookEndpoint] {
        guard let node, !node.isNull else { return [] }
        let pairs: [YAMLPair]
        do throws(YAMLError) { pairs = try node.mapping() } catch {
            report(error, option: "webhooks")
            return []
        }
        var endpoints: [WebhookEndpoint] = []
        for pair in pairs {
            guard let r = section(pair.value, keys: Self.webhookKeys, context: "webhooks.\(pair.name)") else {
                if pair.value.isNull { report(.missingKey, "webhook '\(pair.name)' needs a url", at: pair.key.mark) }
                continue
            }
            guard let urlNode = value(r, "url") else {
                report(.missingKey, "missing key 'url' in webhooks.\(pair.name)", at: pair.value.mark)
                continue
            }
            guard let url = string(urlNode, what: "url") else { continue }
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), URL(string: url)?.host != nil else {
                report(.invalidValue, "invalid webhook url '\(url)': expected http:// or https://", at: urlNode.mark)
                continue
            }
            var endpoint = WebhookEndpoint(name: pair.name, url: url)
            endpoint.timeoutMs = int(r, "timeout_ms", default: endpoint.timeoutMs, in: 1...600_000)
            endpoint.headers = readHeaders(value(r, "headers"), fromEnvironment: false)
                + readHeaders(value(r, "headers_env"), fromEnvironment: true)
            let retry = section(value(r, "retry"), keys: ["max_attempts", "initial_backoff_ms", "max_backoff_ms"],
                                context: "webhooks.\(pair.name).retry")
            endpoint.maxAttempts = int(retry, "max_attempts", default: endpoint.maxAttempts, in: 1...1000)
            endpoint.initialBackoffMs = int(retry, "initial_backoff_ms", default: endpoint.initialBackoffMs,
                                            in: 1...86_400_000)
            endpoint.maxBackoffMs = int(retry, "max_backoff_ms", default: endpoint.maxBackoffMs, in: 1...86_400_000)
            if endpoint.maxBackoffMs < endpoint.initialBackoffMs, let n = value(retry, "max_backoff_ms") {
                report(.invalidValue, "retry.max_backoff_ms must not be below initial_backoff_ms", at: n.mark)
            }
            endpoints.append(endpoint)
        }
        return endpoints
    }

    /// `{Name: value}`, or `{Name: ENV_VAR}` whose value comes from the environment.
    private mutating func readHeaders(_ node: YAMLNode?, fromEnvironment: Bool) -> [(name: String, value: String)] {
        guard let node else { return [] }
        let pairs: [YAMLPair]
        do throws(YAMLError) { pairs = try node.mapping() } catch {
            report(error, option: fromEnvironment ? "headers_env" : "headers")
            return []
        }
        var out: [(name: String, value: String)] = []
        for pair in pairs {
            guard let text = string(pair.value, what: "header \(pair.name)") else { continue }
            if !fromEnvironment {
                out.append((pair.name, text))
            } else if let secret = environment[text] {
                out.append((pair.name, secret))
            } else {
                report(.missingEnvironmentVariable, "environment variable '\(text)' (headers_env) is not set",
                       at: pair.value.mark)
            }
        }
        return out
    }

    mutating func readAdmin(_ node: YAMLNode?) -> AdminConfiguration {
        var admin = AdminConfiguration()
        let r = section(node, keys: ["listen", "token", "token_env"], context: "admin")
        if let listen = address(r, "listen") { admin.listen = listen }
        (admin.token, admin.tokenEnvironmentVariable) = secret(r, "token", envKey: "token_env")
        return admin
    }

    mutating func readLogging(_ node: YAMLNode?) -> LoggingConfiguration {
        var logging = LoggingConfiguration()
        let r = section(node, keys: ["level", "format"], context: "logging")
        logging.level = choice(r, "level", default: logging.level)
        logging.format = choice(r, "format", default: logging.format)
        return logging
    }

    static let campaignKeys = ["trunk", "max_concurrent_calls", "calls_per_second", "calling_window",
                               "max_attempts", "retry_delay_s"]

    mutating func readCampaigns(_ node: YAMLNode?, trunks: [TrunkConfiguration]) -> CampaignDefaults {
        var campaigns = CampaignDefaults()
        let r = section(node, keys: Self.campaignKeys, context: "campaigns")
        if let trunkNode = value(r, "trunk"), let name = string(trunkNode, what: "trunk") {
            if trunks.contains(where: { $0.name == name }) {
                campaigns.trunk = name
            } else {
                report(.invalidValue, "campaigns.trunk '\(name)' names no trunk", at: trunkNode.mark)
            }
        }
        campaigns.maxConcurrentCalls = int(r, "max_concurrent_calls", default: campaigns.maxConcurrentCalls,
                                           in: 1...100_000)
        campaigns.callsPerSecond = double(r, "calls_per_second", default: campaigns.callsPerSecond, in: 0.001...10_000)
        let window = section(value(r, "calling_window"), keys: ["start", "end"], context: "campaigns.calling_window")
        campaigns.windowStartMinutes = clock(window, "start", default: campaigns.windowStartMinutes)
        campaigns.windowEndMinutes = clock(window, "end", default: campaigns.windowEndMinutes)
        if campaigns.windowEndMinutes <= campaigns.windowStartMinutes, let n = value(window, "end") {
            report(.invalidValue, "campaigns.calling_window.end must be after start", at: n.mark)
        }
        campaigns.maxAttempts = int(r, "max_attempts", default: campaigns.maxAttempts, in: 1...100)
        campaigns.retryDelayS = int(r, "retry_delay_s", default: campaigns.retryDelayS, in: 1...31_536_000)
        return campaigns
    }

    /// `"HH:MM"` (00:00–24:00) as minutes after midnight.
    private mutating func clock(_ reader: YAMLMappingReader?, _ key: String, default fallback: Int) -> Int {
        guard let node = value(reader, key), let text = string(node, what: key) else { return fallback }
        let parts = text.split(separator: ":")
        if parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
           (0...59).contains(m), (0...23).contains(h) || (h == 24 && m == 0) {
            return h * 60 + m
        }
        report(.invalidValue, "\(qualified(reader, key)) must be a time HH:MM, found '\(text)'", at: node.mark)
        return fallback
    }
}
