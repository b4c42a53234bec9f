import Foundation
import Testing
@testable import ParleyStore

@Suite struct ExportTests {
    /// Three ended calls, one awkward for CSV (comma, quote, newline in fields).
    func seededStore(_ dir: TempDirectory) async throws -> CallStore {
        let store = try openStore(dir)
        let t0: Int64 = 1_700_000_000_000  // 2023-11-14T22:13:20.000Z
        try store.callStarted(sampleStart("a", startedAtMs: t0, script: "birthday"))
        store.callAnswered(callId: "a", atMs: t0 + 1_500)
        try await store.callEnded(callId: "a", atMs: t0 + 60_000, disposition: "completed", tags: ["coupon": "sent"])
        try store.callStarted(sampleStart("b", startedAtMs: t0 + 3_600_000, script: "payment",
                                                from: "\"Doe, \"\"J\"\"\" <sip:+1555@example.invalid>"))
        try await store.callEnded(callId: "b", atMs: t0 + 3_660_000, disposition: "no-answer",
                                  tags: ["note": "line1\nline2, \"x\""])
        try store.callStarted(sampleStart("c", startedAtMs: t0 + 7_200_000, script: "birthday"))
        try await store.callEnded(callId: "c", atMs: t0 + 7_260_123, disposition: "completed", tags: [:])
        return store
    }

    @Test func csvHasAHeaderAndQuotesFieldsThatNeedIt() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try await seededStore(dir)
        let csv = CallExport.csv(try await store.calls(matching: CallQuery()))
        let expected = [
            "call_id,node_id,direction,from_uri,to_uri,script,script_version,variant,started_at,answered_at,ended_at,disposition,tags,sip_call_id",
            #"a,node-a,inbound,sip:+15550001@example.invalid,sip:bot@127.0.0.1,birthday,3,A,2023-11-14T22:13:20.000Z,2023-11-14T22:13:21.500Z,2023-11-14T22:14:20.000Z,completed,"{""coupon"":""sent""}",sip-a"#,
            #"b,node-a,inbound,"""Doe, """"J"""""" <sip:+1555@example.invalid>",sip:bot@127.0.0.1,payment,3,A,2023-11-14T23:13:20.000Z,,2023-11-14T23:14:20.000Z,no-answer,"{""note"":""line1\nline2, \""x\""""}",sip-b"#,
            #"c,node-a,inbound,sip:+15550001@example.invalid,sip:bot@127.0.0.1,birthday,3,A,2023-11-15T00:13:20.000Z,,2023-11-15T00:14:20.123Z,completed,{},sip-c"#,
            "",
        ].joined(separator: "\r\n")
        #expect(csv == expected)
    }

    @Test func csvCellsQuoteCommasQuotesAndLineBreaksOnly() {
        #expect(CallExport.csvCell("plain") == "plain")
        #expect(CallExport.csvCell("a,b") == "\"a,b\"")
        #expect(CallExport.csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CallExport.csvCell("one\ntwo") == "\"one\ntwo\"")
        #expect(CallExport.csvCell("one\r\ntwo") == "\"one\r\ntwo\"")
        #expect(CallExport.csvCell("") == "")
    }

    @Test func jsonIsAnArrayOfObjectsWithTheColumnNames() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try await seededStore(dir)
        let text = CallExport.json(try await store.calls(matching: CallQuery()))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 3)
        #expect(parsed.map { $0["call_id"] as? String } == ["a", "b", "c"])
        #expect(Set(parsed[0].keys) == Set(CallExport.columns))
        #expect(parsed[0]["answered_at"] as? String == "2023-11-14T22:13:21.500Z")
        #expect(parsed[1]["answered_at"] is NSNull)
        #expect(parsed[1]["from_uri"] as? String == "\"Doe, \"\"J\"\"\" <sip:+1555@example.invalid>")
        #expect((parsed[1]["tags"] as? [String: String])?["note"] == "line1\nline2, \"x\"")
        #expect((parsed[0]["tags"] as? [String: String]) == ["coupon": "sent"])
        #expect(CallExport.json([]) == "[]\n")
    }

    @Test func filtersSelectByTimeDispositionScriptAndLimit() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try await seededStore(dir)
        let t0: Int64 = 1_700_000_000_000
        func ids(_ query: CallQuery) async throws -> [String] { try await store.calls(matching: query).map(\.callId) }
        #expect(try await ids(CallQuery(sinceMs: t0 + 1)) == ["b", "c"])
        #expect(try await ids(CallQuery(untilMs: t0 + 3_600_000)) == ["a"])
        #expect(try await ids(CallQuery(sinceMs: t0 + 3_600_000, untilMs: t0 + 3_600_001)) == ["b"])
        #expect(try await ids(CallQuery(disposition: "completed")) == ["a", "c"])
        #expect(try await ids(CallQuery(script: "birthday", limit: 1)) == ["a"])
        #expect(try await ids(CallQuery(disposition: "busy")) == [])
    }

    @Test func timestampsFormatAsISO8601UTC() {
        #expect(CallExport.iso8601(0) == "1970-01-01T00:00:00.000Z")
        #expect(CallExport.iso8601(951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(CallExport.iso8601(1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(CallExport.iso8601(-1) == "1969-12-31T23:59:59.999Z")
        #expect(CallExport.jsonString("a\"b\\c\u{01}") == #""a\"b\\c\u0001""#)
    }
}
