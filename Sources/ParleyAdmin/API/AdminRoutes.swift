// AdminRoutes — the endpoint table of the admin API and its JSON mapping.
import Foundation
import ParleyStore

enum AdminRoutes {
    static func router(backend: any AdminBackend, metrics: MetricsRegistry) -> HTTPRouter {
        var router = HTTPRouter()
        router.add("GET", "/healthz") { _, _ in
            let status = await backend.status()
            return status.draining
                ? .json(["status": "draining"], status: 503)
                : .json(["status": "ok"])
        }
        router.add("GET", "/metrics") { _, _ in
            HTTPResponse(status: 200, contentType: MetricsRegistry.contentType, body: metrics.exposition())
        }
        for prefix in ["/v1", ""] {
            addAPI(&router, prefix: prefix, backend: backend)
        }
        return router
    }

    private static func addAPI(_ router: inout HTTPRouter, prefix p: String, backend: any AdminBackend) {
        router.add("GET", p + "/status") { _, _ in .json(await backend.status()) }
        router.add("POST", p + "/drain") { _, _ in .json(await backend.startDrain(), status: 202) }
        router.add("POST", p + "/scripts/reload") { _, _ in
            switch await backend.reloadScripts() {
            case .accepted(let scripts):
                return .json(ReloadAccepted(status: "accepted", scripts: scripts))
            case .rejected(let diagnostics):
                return .json(ReloadRejected(error: .init(code: "scripts_rejected",
                                                         message: "the scripts did not pass lint; the previous ones keep serving"),
                                            diagnostics: diagnostics), status: 422)
            }
        }
        // `export` before `{id}`: the earlier route wins.
        router.add("GET", p + "/calls/export") { request, _ in await export(request, backend) }
        router.add("GET", p + "/calls") { request, _ in
            let active = ["true", "1", "yes"].contains(request.query["active"]?.lowercased() ?? "")
            return await run { () throws(AdminError) in .json(CallList(calls: try await backend.calls(activeOnly: active))) }
        }
        router.add("GET", p + "/calls/{id}") { _, parameters in
            await run { () throws(AdminError) in .json(try await backend.call(id: parameters["id"] ?? "")) }
        }
        router.add("POST", p + "/calls/{id}/hangup") { _, parameters in
            await run { () throws(AdminError) in
                try await backend.hangUp(callId: parameters["id"] ?? "")
                return .json(["status": "hanging_up"], status: 202)
            }
        }
        router.add("POST", p + "/campaigns") { request, _ in
            await run { () throws(AdminError) in .json(try await backend.createCampaign(json: request.body), status: 201) }
        }
        router.add("GET", p + "/campaigns/{id}") { _, parameters in
            await run { () throws(AdminError) in .json(try await backend.campaign(id: parameters["id"] ?? "")) }
        }
        router.add("POST", p + "/campaigns/{id}/pause") { _, parameters in
            await run { () throws(AdminError) in .json(try await backend.pauseCampaign(id: parameters["id"] ?? "")) }
        }
        router.add("POST", p + "/campaigns/{id}/resume") { _, parameters in
            await run { () throws(AdminError) in .json(try await backend.resumeCampaign(id: parameters["id"] ?? "")) }
        }
        router.add("POST", p + "/campaigns/{id}/stop") { _, parameters in
            await run { () throws(AdminError) in .json(try await backend.stopCampaign(id: parameters["id"] ?? "")) }
        }
        router.add("GET", p + "/campaigns") { _, _ in
            await run { () throws(AdminError) in .json(CampaignList(campaigns: try await backend.campaigns())) }
        }
        router.add("GET", p + "/campaigns/{id}/report") { request, parameters in
            let format = request.query["format"]?.lowercased() ?? "json"
            guard ["json", "csv", "html"].contains(format) else {
                return .error(status: 400, code: "invalid_request", message: "format must be json, csv or html")
            }
            return await run { () throws(AdminError) in
                let report = try await backend.campaignReport(id: parameters["id"] ?? "", format: format)
                return HTTPResponse(status: 200, contentType: report.contentType, body: report.body)
            }
        }
    }

    static func run(_ body: () async throws(AdminError) -> HTTPResponse) async -> HTTPResponse {
        do {
            return try await body()
        } catch {
            return error.response
        }
    }

    static func export(_ request: HTTPRequest, _ backend: any AdminBackend) async -> HTTPResponse {
        let format = request.query["format"]?.lowercased() ?? "json"
        guard format == "json" || format == "csv" else {
            return .error(status: 400, code: "invalid_request", message: "format must be csv or json")
        }
        var query = CallQuery()
        for (name, keyPath) in [("since", \CallQuery.sinceMs), ("until", \CallQuery.untilMs)] {
            guard let text = request.query[name] else { continue }
            guard let ms = parseTime(text) else {
                return .error(status: 400, code: "invalid_request",
                              message: "\(name) must be milliseconds since the epoch or an ISO 8601 time")
            }
            query[keyPath: keyPath] = ms
        }
        query.disposition = request.query["disposition"]
        query.script = request.query["script"]
        if let text = request.query["limit"] {
            guard let limit = Int(text), limit > 0 else {
                return .error(status: 400, code: "invalid_request", message: "limit must be a positive integer")
            }
            query.limit = limit
        }
        return await run { () throws(AdminError) in
            let rows = try await backend.exportCalls(matching: query)
            return format == "csv"
                ? HTTPResponse(status: 200, contentType: "text/csv; charset=utf-8", body: CallExport.csv(rows))
                : HTTPResponse(status: 200, contentType: "application/json", body: CallExport.json(rows))
        }
    }

    /// Milliseconds since the epoch, or ISO 8601 (`2026-11-23T12:00:00Z`, fractions allowed).
    static func parseTime(_ text: String) -> Int64? {
        if let ms = Int64(text) { return ms }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        return nil
    }

    struct CallList: Encodable { let calls: [AdminCallSummary] }
    struct CampaignList: Encodable { let campaigns: [AdminCampaign] }
    struct ReloadAccepted: Encodable { let status: String; let scripts: [String] }
    struct ReloadRejected: Encodable {
        let error: HTTPResponse.ErrorBody.Detail
        let diagnostics: [ScriptDiagnostic]
    }
}
