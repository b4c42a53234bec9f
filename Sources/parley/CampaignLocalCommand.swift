import Foundation
import ParleyCall
import ParleyCampaign
import ParleyStore
import Synchronization

/// `parley campaign run-local FILE (--simulate SPEC | --daemon-config FILE) [--data-dir DIR]
/// [--dial-log PATH] [--webhook URL] [--admin-listen HOST:PORT] [--sip-listen HOST:PORT]` —
/// runs a campaign in this process. With `--simulate`, against simulated called parties
/// (`SimulatedCallPlacer`): the real runner, store, pacing, windows, retries, do-not-call,
/// caps and result outbox, without SIP — for dry runs and the crash test. With
/// `--daemon-config`, through a call plane built from a parleyd configuration (real SIP and
/// RTP through its trunks, dialogue, AMD; `CampaignCallAdapter`). State goes to
/// `<data-dir>/parley.sqlite` (the daemon's store file), so running it again resumes.
/// Prints the report and exits 0 when the campaign finished or was stopped (with
/// `--keep-serving` and `--admin-listen`, the admin API stays up until the process is stopped).
enum CampaignLocalCommand {
    struct Options {
        var file = ""
        var simulate = ""
        var daemonConfig = ""
        var dataDirectory: String?
        var dialLog: String?
        var webhook: String?
        var adminListen: String?
        var sipListen: String?
        var adminToken: String?
        var keepServing = false
    }

    static func parse(_ arguments: [String]) -> Options? {
        var o = Options()
        var rest = arguments[...]
        while let a = rest.popFirst() {
            func value() -> String? { rest.popFirst() }
            switch a {
            case "--simulate": guard let v = value() else { return nil }; o.simulate = v
            case "--data-dir": guard let v = value() else { return nil }; o.dataDirectory = v
            case "--daemon-config": guard let v = value() else { return nil }; o.daemonConfig = v
            case "--sip-listen": guard let v = value() else { return nil }; o.sipListen = v
            case "--dial-log": guard let v = value() else { return nil }; o.dialLog = v
            case "--webhook": guard let v = value() else { return nil }; o.webhook = v
            case "--admin-listen": guard let v = value() else { return nil }; o.adminListen = v
            case "--token": guard let v = value() else { return nil }; o.adminToken = v
            case "--keep-serving": o.keepServing = true
            default:
                guard !a.hasPrefix("-"), o.file.isEmpty else { return nil }
                o.file = a
            }
        }
        return o.file.isEmpty || o.simulate.isEmpty == o.daemonConfig.isEmpty ? nil : o
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = parse(arguments) else {
            FileHandleOutput.error("usage: parley campaign run-local FILE (--simulate SPEC | --daemon-config FILE) "
                                   + "[--data-dir DIR] [--dial-log PATH] [--webhook URL] [--admin-listen HOST:PORT] "
                                   + "[--sip-listen HOST:PORT] [--token T] [--keep-serving]")
            return 2
        }
        let status = Mutex<Int32>(1)
        let done = DispatchSemaphore(value: 0)
        Task {
            let code = await runAsync(options)
            status.withLock { $0 = code }
            done.signal()
        }
        done.wait()
        return status.withLock { $0 }
    }

    /// What the campaign runs over: the placer, the store's folder, the outbox, and how to shut down.
    struct Plane {
        var placer: any CampaignCallPlacing
        var dataDirectory: String
        var outbox: WebhookOutbox?
        var wake: @Sendable () -> Void = {}
        var shutdown: @Sendable () async -> Void = {}
    }

    static func makePlane(_ o: Options) async throws -> Plane? {
        if !o.daemonConfig.isEmpty {
            let configuration: DaemonConfiguration
            do throws(ConfigurationError) {
                configuration = try ConfigurationLoader().load(path: o.daemonConfig, overrides: ConfigurationOverrides(
                    sipListen: o.sipListen, dataDirectory: o.dataDirectory))
            } catch {
                FileHandleOutput.error("\(o.daemonConfig): \(error)")
                return nil
            }
            let daemon: CallDaemon
            do throws(CallDaemonError) {
                daemon = try await CallDaemon(configuration: configuration, log: CallLog(minimum: .warning))
            } catch {
                FileHandleOutput.error("parley campaign run-local: \(error.description)")
                return nil
            }
            let line = "parley: sip=\(daemon.sipAddresses.map(\.description).joined(separator: ","))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
            return Plane(placer: CampaignCallAdapter(manager: daemon.manager), dataDirectory: configuration.dataDirectory,
                         outbox: daemon.services.webhooks.outbox, wake: { daemon.deliverer.wake() },
                         shutdown: { await daemon.shutdown() })
        }
        let spec = try String(contentsOfFile: o.simulate, encoding: .utf8)
        let rules: [SimulatedCallPlacer.Rule]
        do throws(CampaignError) { rules = try SimulatedCallPlacer.parseRules(spec) } catch {
            FileHandleOutput.error("\(o.simulate):\(error.line ?? 0): error: \(error.detail)")
            return nil
        }
        let directory = o.dataDirectory ?? CallStore.defaultDataDirectory()
        var plane = Plane(placer: try SimulatedCallPlacer(rules: rules, dialLogPath: o.dialLog), dataDirectory: directory)
        if o.webhook != nil {
            let outbox = WebhookOutbox(store: try CallStore(configuration: .init(directory: directory)))
            let deliverer = WebhookDeliverer(outbox: outbox)
            try await deliverer.start()
            plane.outbox = outbox
            plane.wake = { deliverer.wake() }
            plane.shutdown = { await deliverer.drainBriefly() }
        }
        return plane
    }

    static func runAsync(_ o: Options) async -> Int32 {
        do {
            guard let plane = try await makePlane(o) else { return 1 }
            let store = try CampaignSQLiteStore(dataDirectory: plane.dataDirectory)
            var publisher: (any CampaignResultPublisher)?
            if let url = o.webhook, let outbox = plane.outbox {
                let wake = plane.wake
                publisher = WebhookResultPublisher(outbox: outbox, endpoint: "crm", url: url, onQueued: { wake() })
            }
            let manager = CampaignManager(store: store, placer: plane.placer, publisher: publisher,
                                          configuration: .init(resultsDirectory: (plane.dataDirectory as NSString)
                                            .appendingPathComponent("campaigns")))
            let admin = try o.adminListen.map { try CampaignAdminBackend.serve(manager: manager, listen: $0, token: o.adminToken) }
            let snapshot: CampaignSnapshot
            do throws(CampaignManagerError) {
                snapshot = try await manager.create(path: o.file)
            } catch {
                FileHandleOutput.error("parley campaign run-local: \(error.message)")
                admin?.stop()
                await plane.shutdown()
                return 1
            }
            let final = await manager.waitUntilDone(id: snapshot.id)
            if let report = try? await manager.report(id: snapshot.id) {
                FileHandle.standardOutput.write(Data(report.text().utf8))
            }
            if o.keepServing && admin != nil {
                // The admin API stays up for `status`/`report` until the process is stopped.
                while true { try? await Task.sleep(nanoseconds: 3_600_000_000_000) }
            }
            // The request that ended the campaign (a `stop`) is answered before the exit.
            await admin?.stop(graceMs: 2_000)
            await plane.shutdown()
            return final == .finished || final == .stopped ? 0 : 1
        } catch {
            FileHandleOutput.error("parley campaign run-local: \(error)")
            return 1
        }
    }
}

extension WebhookDeliverer {
    /// Gives queued results a few seconds to go out before the process exits (the outbox
    /// keeps the rest for the next run).
    func drainBriefly() async {
        for _ in 0..<50 {
            guard let counts = try? await outbox.counts(), counts.pending > 0 else { break }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        await stop()
    }
}
