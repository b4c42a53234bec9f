import Foundation
import ParleyCampaign
import ParleyStore
import Synchronization

/// `parley campaign run-local FILE --simulate SPEC [--data-dir DIR] [--dial-log PATH]
/// [--webhook URL] [--admin-listen HOST:PORT]` — runs a campaign in this process against
/// simulated called parties (`SimulatedCallPlacer`): the real runner, store, pacing,
/// windows, retries, do-not-call, caps and result outbox, without SIP. For dry runs and the
/// crash test. State goes to `<data-dir>/parley.sqlite` (the daemon's store file layout), so
/// running it again resumes. Prints the report and exits 0 when the campaign finished.
enum CampaignLocalCommand {
    struct Options {
        var file = ""
        var simulate = ""
        var dataDirectory = CallStore.defaultDataDirectory()
        var dialLog: String?
        var webhook: String?
        var adminListen: String?
        var adminToken: String?
    }

    static func parse(_ arguments: [String]) -> Options? {
        var o = Options()
        var rest = arguments[...]
        while let a = rest.popFirst() {
            func value() -> String? { rest.popFirst() }
            switch a {
            case "--simulate": guard let v = value() else { return nil }; o.simulate = v
            case "--data-dir": guard let v = value() else { return nil }; o.dataDirectory = v
            case "--dial-log": guard let v = value() else { return nil }; o.dialLog = v
            case "--webhook": guard let v = value() else { return nil }; o.webhook = v
            case "--admin-listen": guard let v = value() else { return nil }; o.adminListen = v
            case "--token": guard let v = value() else { return nil }; o.adminToken = v
            default:
                guard !a.hasPrefix("-"), o.file.isEmpty else { return nil }
                o.file = a
            }
        }
        return o.file.isEmpty || o.simulate.isEmpty ? nil : o
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = parse(arguments) else {
            FileHandleOutput.error("usage: parley campaign run-local FILE --simulate SPEC [--data-dir DIR] [--dial-log PATH] "
                                   + "[--webhook URL] [--admin-listen HOST:PORT] [--token T]\n"
                                   + "  (real calls go through parleyd: parley campaign start)")
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

    static func runAsync(_ o: Options) async -> Int32 {
        do {
            let spec = try String(contentsOfFile: o.simulate, encoding: .utf8)
            let rules: [SimulatedCallPlacer.Rule]
            do throws(CampaignError) { rules = try SimulatedCallPlacer.parseRules(spec) } catch {
                FileHandleOutput.error("\(o.simulate):\(error.line ?? 0): error: \(error.detail)")
                return 1
            }
            let placer = try SimulatedCallPlacer(rules: rules, dialLogPath: o.dialLog)
            let store = try CampaignSQLiteStore(dataDirectory: o.dataDirectory)
            var publisher: (any CampaignResultPublisher)?
            var deliverer: WebhookDeliverer?
            if let url = o.webhook {
                let callStore = try CallStore(configuration: .init(directory: o.dataDirectory))
                let outbox = WebhookOutbox(store: callStore)
                let d = WebhookDeliverer(outbox: outbox)
                try await d.start()
                deliverer = d
                publisher = WebhookResultPublisher(outbox: outbox, endpoint: "crm", url: url, onQueued: { d.wake() })
            }
            let manager = CampaignManager(store: store, placer: placer, publisher: publisher,
                                          configuration: .init(resultsDirectory: (o.dataDirectory as NSString)
                                            .appendingPathComponent("campaigns")))
            let admin = try o.adminListen.map { try CampaignAdminBackend.serve(manager: manager, listen: $0, token: o.adminToken) }
            let snapshot: CampaignSnapshot
            do throws(CampaignManagerError) {
                snapshot = try await manager.create(path: o.file)
            } catch {
                FileHandleOutput.error("parley campaign run-local: \(error.message)")
                admin?.stop()
                return 1
            }
            let final = await manager.waitUntilDone(id: snapshot.id)
            if let report = try? await manager.report(id: snapshot.id) { print(report.text(), terminator: "") }
            if let deliverer { await deliverer.drainBriefly() }
            admin?.stop()
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
