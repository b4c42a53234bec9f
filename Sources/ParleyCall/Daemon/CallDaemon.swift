import Foundation
import ParleyMedia
import ParleyRealtime
import ParleySIP
import ParleySpeech
import ParleyStore
import Synchronization

/// The running call plane of `parleyd`, built from a `DaemonConfiguration`: one SIP
/// event loop with every listener, the media engine, the recognizer, the store with its
/// webhook outbox and deliverer, the scripts, and the `CallManager` joining them.
/// The admin API sits above this layer and is wired by the executable.
public final class CallDaemon: Sendable {
    public let configuration: DaemonConfiguration
    public let services: CallServices
    public let manager: CallManager
    public let deliverer: WebhookDeliverer
    let loop: EventLoop
    let stack: SIPStack
    /// The addresses SIP is served on (actual ports, also when 0 was asked for).
    public let sipAddresses: [SocketAddress]
    public let startedAtMs: Int64

    /// Builds and starts everything. Throws `CallDaemonError` naming what failed.
    public init(configuration: DaemonConfiguration, metrics: any CallMetricsSink = NoCallMetrics(),
                log: CallLog = CallLog(), webhookOutcome: @escaping @Sendable (WebhookDeliverer.Outcome) -> Void = { _ in },
                general: [LabeledExample] = []) async throws(CallDaemonError) {
        self.configuration = configuration
        startedAtMs = StoreClock.system.nowMs()
        let scripts = ScriptCatalog(sampleRateHz: 8000, general: general)
        if case .failure(let list) = scripts.load(paths: Self.scriptPaths(configuration)) {
            throw CallDaemonError(.scripts, list.problems.map(\.description).joined(separator: "\n"))
        }
        let store: CallStore
        do { store = try CallStore(configuration: .init(directory: configuration.dataDirectory)) } catch {
            throw CallDaemonError(.store, "\(configuration.dataDirectory): \(error)")
        }
        // Calls this node had in progress when it was last killed ended with it.
        if let closed = try? await store.closeUnfinished(nodeId: configuration.nodeID, atMs: startedAtMs,
                                                         disposition: "node_restarted"), closed > 0 {
            log.warning("calls left open by the previous run closed", ["count": String(closed)])
        }
        let media: MediaEngine
        do {
            media = try MediaEngine(configuration: MediaEngineConfiguration(
                threadCount: configuration.media.threads, tickMs: configuration.media.tickMs,
                portRange: configuration.rtpPortRange, bindHost: configuration.media.rtpBindHost,
                fifoPriority: configuration.media.fifoPriority > 0 ? Int32(configuration.media.fifoPriority) : nil))
        } catch {
            throw CallDaemonError(.media, "\(error)")
        }
        if configuration.media.fifoPriority > 0 {
            let refused = media.schedulingStatuses.filter { if case .refused = $0.fifo { true } else { false } }.count
            if refused > 0 {
                log.warning("media threads run with normal scheduling: SCHED_FIFO refused (needs CAP_SYS_NICE or RLIMIT_RTPRIO)",
                            ["threads": String(refused), "fifo_priority": String(configuration.media.fifoPriority)])
            }
        }
        let (recognizer, engineName) = Self.makeRecognizer(configuration, log: log)
        let wakeBox = Mutex<WebhookDeliverer?>(nil)
        let hub = WebhookHub(outbox: WebhookOutbox(store: store, policy: Self.backoffPolicy(configuration))) {
            wakeBox.withLock { $0 }?.wake()
        }
        let deliverer = WebhookDeliverer(
            outbox: hub.outbox, configuration: Self.delivererConfiguration(configuration),
            onOutcome: { outcome in
                hub.attempted(id: outcome.id, delivered: outcome.decision == .delivered)
                webhookOutcome(outcome)
            })
        wakeBox.withLock { $0 = deliverer }
        self.deliverer = deliverer
        services = CallServices(configuration: configuration, media: media, recognizer: recognizer,
                                recognizerEngine: engineName, store: store, webhooks: hub, scripts: scripts,
                                metrics: metrics, log: log)
        manager = CallManager(services: services)
        do { try await deliverer.start() } catch { throw CallDaemonError(.store, "webhook outbox: \(error)") }

        do {
            loop = try EventLoop()
        } catch {
            throw CallDaemonError(.sip, "event loop: \(error)")
        }
        let (stack, addresses) = try Self.makeStack(configuration, loop: loop)
        self.stack = stack
        sipAddresses = addresses
        manager.attach(stack)
        do {
            try stack.start()
            try loop.start(name: "parley-sip")
        } catch {
            throw CallDaemonError(.sip, "\(error)")
        }
    }

    /// Reloads every script (SIGHUP, `POST /scripts/reload`): all or nothing.
    public func reloadScripts() -> Result<[String], ScriptCatalog.ProblemList> {
        services.scripts.load(paths: Self.scriptPaths(configuration)).map { $0.map { "\($0.script.name) v\($0.script.version)" } }
    }

    /// Stops serving: SIP first, then media, the pump, the deliverer; flushes the store.
    public func shutdown() async {
        let stack = self.stack
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute {
                stack.stop()
                stack.transport.close()
                done.resume()
            }
        }
        loop.shutdown()
        services.shutdown()
        services.media.shutdown()
        await deliverer.stop()
        await services.store.flush()
    }

    /// Script files: the routing's, plus every `.yaml`/`.yml` in `scripts_dir`.
    static func scriptPaths(_ configuration: DaemonConfiguration) -> [String] {
        var paths = configuration.routing.scriptPaths
        if let dir = configuration.routing.scriptsDirectory,
           let names = try? FileManager.default.contentsOfDirectory(atPath: dir) {
            for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                if name.hasSuffix(".cases.yaml") { continue }
                let path = (dir as NSString).appendingPathComponent(name)
                if !paths.contains(path) { paths.append(path) }
            }
        }
        return paths
    }
}

/// Why the daemon could not start.
public struct CallDaemonError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case scripts, store, media, sip, recognizer }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code.rawValue): \(message)" }
}
