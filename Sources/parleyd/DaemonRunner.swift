#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import ParleyAdmin
import ParleyCall
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
        // A parent that started us with signals blocked (e.g. Foundation's Process) must not
        // keep SIGTERM/SIGHUP from reaching us.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)

        let log = CallLog()
        let registry = MetricsRegistry()
        let metrics = ParleyMetrics(registry: registry)
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
        let admin = AdminServer(
            configuration: AdminServer.Configuration(listenAddress: configuration.admin.listen,
                                                     token: configuration.admin.token),
            backend: DaemonAdminBackend(daemon: daemon, version: version, drain: drain), metrics: registry)
        do { try admin.start() } catch {
            fail("parleyd: admin API cannot listen on \(configuration.admin.listen): \(error)", status: 1)
        }
        installSignals(daemon: daemon, log: log, drain: drain)
        startMetricsTimer(daemon: daemon, metrics: metrics)
        let sip = daemon.sipAddresses.map(\.description).joined(separator: ",")
        let adminAddress = admin.localAddress?.description ?? configuration.admin.listen.description
        log.info("serving", ["sip": sip, "admin": adminAddress, "node_id": configuration.nodeID])
        FileHandle.standardOutput.write(Data("parleyd: ready sip=\(sip) admin=\(adminAddress)\n".utf8))
    }

    static func installSignals(daemon: CallDaemon, log: CallLog, drain: @escaping @Sendable () -> Void) {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if sig == SIGHUP {
                    switch daemon.reloadScripts() {
                    case .success(let names): log.info("scripts reloaded", ["scripts": names.joined(separator: ",")])
                    case .failure(let list):
                        log.error("scripts rejected; the previous ones keep serving",
                                  ["problems": list.problems.map(\.description).joined(separator: "\n")])
                    }
                } else {
                    log.info("drain requested by signal", ["signal": String(sig)])
                    drain()
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

    /// The general intents in `models/intents` ($PARLEY_MODELS, else `models` here).
    static func generalExamples() -> [LabeledExample] {
        let models = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PARLEY_MODELS"] ?? "models")
        return (try? IntentDataset.general(in: models, split: "train")) ?? []
    }
}
