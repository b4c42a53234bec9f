#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import ParleyAdmin
import ParleyCall
import ParleyCampaign
import ParleyRealtime
import ParleySpeech
import ParleyStore
import Synchronization

/// Runs `parleyd`: starts the call plane and the admin API, prints the ready line,
/// reloads scripts on SIGHUP and drains on SIGTERM/SIGINT or `POST /drain` (then exits 0).
enum DaemonRunner {
    /// Signal sources must outlive `start`.
    nonisolated(unsafe) static var signalSources: [DispatchSourceSignal] = []
    nonisolated(unsafe) static var metricsTimer: DispatchSourceTimer?

    static func start(_ configuration: DaemonConfiguration, version: String) async {
        let log = CallLog()
        // Signals first: a SIGTERM or SIGHUP during start-up is acted on once we serve.
        installSignals(log: log)
        // A parent that started us with signals blocked (e.g. Foundation's Process) must not
        // keep SIGTERM/SIGHUP from reaching us.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        let registry = MetricsRegistry()
        let metrics = ParleyMetrics(registry: registry)
        // Which node these metrics are from (a cluster scrapes several).
        registry.gauge("parley_node_info", help: "This node's identity (value 1).",
                       labels: ["node_id": configuration.nodeID, "version": version]).set(1)
        let daemon: CallDaemon
        do {
            daemon = try await CallDaemon(
                configuration: configuration, metrics: PrometheusCallMetrics(metrics: metrics), log: log,
                webhookOutcome: { outcome in
                    switch outcome.decision {
                    case .delivered: metrics.webhookDeliveries.increment()
                    case .retry, .dead: metrics.webhookFailures.increment()
                    }
                },
                general: generalExamples())
        } catch {
            fail("parleyd: \(error.description)", status: 1)
        }
        let drainOnce = Mutex(false)
        let drain: @Sendable () -> Void = {
            guard !drainOnce.withLock({ d in defer { d = true }; return d }) else { return }
            metrics.draining.set(1)
            daemon.manager.startDrain(timeoutS: configuration.drainTimeoutS) {
                Task {
                    log.info("drained; exiting", [:])
                    await daemon.shutdown()
                    exit(0)
                }
            }
        }
        let campaigns = await startCampaigns(daemon: daemon, log: log)
        let admin = AdminServer(
            configuration: AdminServer.Configuration(listenAddress: configuration.admin.listen,
                                                     token: configuration.admin.token),
            backend: DaemonAdminBackend(daemon: daemon, version: version, drain: drain, campaigns: campaigns),
            metrics: registry)
        do { try admin.start() } catch {
            fail("parleyd: admin API cannot listen on \(configuration.admin.listen): \(error)", status: 1)
        }
        signalTargets.withLock { $0 = SignalTargets(daemon: daemon, drain: drain) }
        if pendingSignals.withLock({ $0.contains(SIGTERM) || $0.contains(SIGINT) }) {
            log.info("drain requested during start-up", [:])
            drain()
        }
        startMetricsTimer(daemon: daemon, metrics: metrics)
        let sip = daemon.sipAddresses.map(\.description).joined(separator: ",")
        let adminAddress = admin.localAddress?.description ?? configuration.admin.listen.description
        log.info("serving", ["sip": sip, "admin": adminAddress, "node_id": configuration.nodeID])
        FileHandle.standardOutput.write(Data("parleyd: ready sip=\(sip) admin=\(adminAddress)\n".utf8))
    }

    struct SignalTargets: Sendable {
        let daemon: CallDaemon
        let drain: @Sendable () -> Void
    }
    /// What the signal handlers act on, once the daemon serves; signals before that wait.
    static let signalTargets = Mutex<SignalTargets?>(nil)
    static let pendingSignals = Mutex<Set<Int32>>([])

    static func installSignals(log: CallLog) {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                guard let targets = signalTargets.withLock({ $0 }) else {
                    pendingSignals.withLock { _ = $0.insert(sig) }
                    return
                }
                if sig == SIGHUP {
                    switch targets.daemon.reloadScripts() {
                    case .success(let names): log.info("scripts reloaded", ["scripts": names.joined(separator: ",")])
                    case .failure(let list):
                        log.error("scripts rejected; the previous ones keep serving",
                                  ["problems": list.problems.map(\.description).joined(separator: "\n")])
                    }
                } else {
                    log.info("drain requested by signal", ["signal": String(sig)])
                    targets.drain()
                }
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Values read from the parts once a second: webhook backlog, media ticks that overran.
    static func startMetricsTimer(daemon: CallDaemon, metrics: ParleyMetrics) {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 1, repeating: 1)
        let missedSoFar = Mutex<UInt64>(0)
        timer.setEventHandler {
            let missed = daemon.services.media.threadStats.reduce(UInt64(0)) { $0 + $1.missedTicks }
            let delta = missedSoFar.withLock { last -> UInt64 in
                defer { last = max(last, missed) }
                return missed > last ? missed - last : 0
            }
            if delta > 0 { metrics.mediaTickOverruns.increment(by: delta) }
            Task {
                if let counts = try? await daemon.services.webhooks.outbox.counts() {
                    metrics.webhookBacklog.set(Double(counts.pending))
                }
            }
        }
        timer.resume()
        metricsTimer = timer
    }

    /// The campaign manager over the call layer: campaigns live in `<data_dir>/campaigns.sqlite`,
    /// results go to the first configured webhook endpoint (durable outbox) and to CSV files in
    /// `<data_dir>/campaigns`; campaigns that were running resume.
    static func startCampaigns(daemon: CallDaemon, log: CallLog) async -> CampaignManager? {
        let config = daemon.configuration
        let store: CampaignSQLiteStore
        do { store = try CampaignSQLiteStore(dataDirectory: config.dataDirectory) } catch {
            log.error("campaigns disabled: their store does not open", ["error": "\(error)"])
            return nil
        }
        let hub = daemon.services.webhooks
        let publisher = config.webhooks.first.map { endpoint in
            WebhookResultPublisher(outbox: hub.outbox, endpoint: endpoint.name, url: endpoint.url,
                                   onQueued: { hub.wakeDeliverer() },
                                   onError: { log.error("campaign result not queued", ["error": $0]) })
        }
        let manager = CampaignManager(
            store: store, placer: DaemonCallPlacer(manager: daemon.manager), publisher: publisher,
            configuration: .init(resultsDirectory: (config.dataDirectory as NSString).appendingPathComponent("campaigns")))
        let (resumed, errors) = await manager.resumeFromStore()
        if !resumed.isEmpty { log.info("campaigns resumed", ["campaigns": resumed.joined(separator: ",")]) }
        for error in errors { log.error("campaign not resumed", ["error": error]) }
        return manager
    }

    /// The general intents in `models/intents` ($PARLEY_MODELS, else `models` here).
    static func generalExamples() -> [LabeledExample] {
        let models = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PARLEY_MODELS"] ?? "models")
        return (try? IntentDataset.general(in: models, split: "train")) ?? []
    }
}
