import Foundation
import ParleyStore
import Synchronization

/// Campaign state in SQLite: the `campaign`, `campaign_attempt` and `campaign_contact`
/// tables (docs/campaigns.md), kept in the daemon's store file (`<data-dir>/parley.sqlite`,
/// beside `calls` and `webhook_outbox`) under the schema component `campaign`.
///
/// It opens its own connection (WAL, `synchronous=NORMAL`: a write survives SIGKILL once
/// the call returns). Every write is one short transaction, done before the call returns —
/// the runner relies on that to persist an attempt before dialling it. Calls are serialised
/// by a mutex; each is a few hundred microseconds on a local disk.
public final class CampaignSQLiteStore: CampaignStateStore {
    public static let component = "campaign"
    public static let migrations: [Migration] = [
        Migration(version: 1, summary: "campaign, campaign_attempt, campaign_contact", sql: """
            CREATE TABLE IF NOT EXISTS campaign (
                campaign_id     TEXT PRIMARY KEY,
                definition_path TEXT NOT NULL,
                state           TEXT NOT NULL CHECK (state IN ('running','paused','stopped','finished')),
                created_at      REAL NOT NULL,
                updated_at      REAL NOT NULL
            );
            CREATE TABLE IF NOT EXISTS campaign_attempt (
                attempt_id      TEXT PRIMARY KEY,
                campaign_id     TEXT NOT NULL,
                contact_id      TEXT NOT NULL,
                attempt_no      INTEGER NOT NULL,
                variant         TEXT,
                state           TEXT NOT NULL CHECK (state IN ('dialing','ringing','answered','ended')),
                outcome         TEXT,
                sip_status      INTEGER,
                amd             TEXT,
                amd_decision_ms INTEGER,
                call_id         TEXT,
                disposition     TEXT,
                tags            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
                started_at      REAL NOT NULL,
                answered_at     REAL,
                ended_at        REAL,
                UNIQUE (campaign_id, contact_id, attempt_no)
            );
            CREATE INDEX IF NOT EXISTS campaign_attempt_contact ON campaign_attempt (contact_id, started_at);
            CREATE INDEX IF NOT EXISTS campaign_attempt_open ON campaign_attempt (campaign_id) WHERE state <> 'ended';
            CREATE TABLE IF NOT EXISTS campaign_contact (
                campaign_id      TEXT NOT NULL,
                contact_id       TEXT NOT NULL,
                attempts_made    INTEGER NOT NULL,
                status           TEXT NOT NULL CHECK (status IN ('pending','inFlight','done')),
                next_eligible_at REAL,
                final_outcome    TEXT,
                skip_reason      TEXT,
                PRIMARY KEY (campaign_id, contact_id)
            ) WITHOUT ROWID;
            """),
    ]

    /// A campaign the node knows: where its definition is and whether it runs.
    public struct CampaignRow: Sendable, Equatable {
        public var campaignID: String
        public var definitionPath: String
        public var state: String
        public var createdAt: Date
        public var updatedAt: Date
    }

    public let path: String
    private let connection: Mutex<Database>

    /// Opens (creating) `path` and brings the campaign tables up to date.
    public init(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let db = try Database(path: path)
        try Migrator.migrate(db, component: Self.component, migrations: Self.migrations,
                             nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        self.path = path
        connection = Mutex(db)
    }

    /// The store in a data directory: `<dir>/parley.sqlite`, the daemon's store file.
    public convenience init(dataDirectory: String) throws {
        try self.init(path: (dataDirectory as NSString).appendingPathComponent("parley.sqlite"))
    }

    @discardableResult
    private func withDB<T: Sendable>(_ body: (Database) throws -> T) throws -> T {
        try connection.withLock { db in try body(db) }
    }

    // MARK: CampaignStateStore

    public func saveAttempt(_ r: AttemptRecord) throws {
        let tags = String(decoding: try JSONEncoder().encode(r.tags), as: UTF8.self)
        try withDB { db in
            try db.run("""
                INSERT INTO campaign_attempt (attempt_id, campaign_id, contact_id, attempt_no, variant, state, outcome,
                    sip_status, amd, amd_decision_ms, call_id, disposition, tags, started_at, answered_at, ended_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (attempt_id) DO UPDATE SET state = excluded.state, outcome = excluded.outcome,
                    sip_status = excluded.sip_status, amd = excluded.amd, amd_decision_ms = excluded.amd_decision_ms,
                    call_id = excluded.call_id, disposition = excluded.disposition, tags = excluded.tags,
                    answered_at = excluded.answered_at, ended_at = excluded.ended_at
                """, [r.attemptID, r.campaignID, r.contactID, r.attemptNumber, r.variant, r.state.rawValue,
                      r.outcome?.rawValue, r.sipStatus, r.amd?.rawValue, r.amdDecisionMs, r.callID, r.disposition,
                      tags, r.startedAt.timeIntervalSince1970, r.answeredAt?.timeIntervalSince1970,
                      r.endedAt?.timeIntervalSince1970])
        }
    }

    public func saveContact(_ p: ContactProgress) throws {
        try withDB { db in
            try db.run("""
                INSERT INTO campaign_contact (campaign_id, contact_id, attempts_made, status, next_eligible_at,
                    final_outcome, skip_reason) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (campaign_id, contact_id) DO UPDATE SET attempts_made = excluded.attempts_made,
                    status = excluded.status, next_eligible_at = excluded.next_eligible_at,
                    final_outcome = excluded.final_outcome, skip_reason = excluded.skip_reason
                """, [p.campaignID, p.contactID, p.attemptsMade, p.status.rawValue,
                      p.nextEligibleAt?.timeIntervalSince1970, p.finalOutcome?.rawValue, p.skipReason])
        }
    }

    public func attempts(campaignID: String) throws -> [AttemptRecord] {
        let rows = try withDB { db in
            try db.query("SELECT * FROM campaign_attempt WHERE campaign_id = ? ORDER BY started_at, attempt_id", [campaignID])
        }
        return rows.compactMap(Self.attempt)
    }

    public func attempts(campaignID: String, contactID: String) throws -> [AttemptRecord] {
        let rows = try withDB { db in
            try db.query("SELECT * FROM campaign_attempt WHERE campaign_id = ? AND contact_id = ? ORDER BY attempt_no",
                         [campaignID, contactID])
        }
        return rows.compactMap(Self.attempt)
    }

    public func contacts(campaignID: String) throws -> [ContactProgress] {
        let rows = try withDB { db in
            try db.query("SELECT * FROM campaign_contact WHERE campaign_id = ? ORDER BY contact_id", [campaignID])
        }
        return rows.compactMap { row in
            guard let contact = row["contact_id"].string, let status = row["status"].string.flatMap(ContactProgress.Status.init)
            else { return nil }
            return ContactProgress(campaignID: campaignID, contactID: contact, attemptsMade: row["attempts_made"].int ?? 0,
                                   status: status, nextEligibleAt: row["next_eligible_at"].double.map(Date.init(timeIntervalSince1970:)),
                                   finalOutcome: row["final_outcome"].string.flatMap(AttemptOutcome.init),
                                   skipReason: row["skip_reason"].string)
        }
    }

    public func dialTimes(contactID: String, since: Date) throws -> [Date] {
        let rows = try withDB { db in
            try db.query("SELECT started_at FROM campaign_attempt WHERE contact_id = ? AND started_at > ?",
                         [contactID, since.timeIntervalSince1970])
        }
        return rows.compactMap { $0[0].double.map(Date.init(timeIntervalSince1970:)) }
    }

    // MARK: Campaigns

    public func saveCampaign(id: String, definitionPath: String, state: String, at now: Date) throws {
        try withDB { db in
            try db.run("""
                INSERT INTO campaign (campaign_id, definition_path, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (campaign_id) DO UPDATE SET definition_path = excluded.definition_path,
                    state = excluded.state, updated_at = excluded.updated_at
                """, [id, definitionPath, state, now.timeIntervalSince1970, now.timeIntervalSince1970])
        }
    }

    public func campaigns() throws -> [CampaignRow] {
        let rows = try withDB { db in try db.query("SELECT * FROM campaign ORDER BY created_at, campaign_id") }
        return rows.compactMap { row in
            guard let id = row["campaign_id"].string, let path = row["definition_path"].string,
                  let state = row["state"].string else { return nil }
            return CampaignRow(campaignID: id, definitionPath: path, state: state,
                               createdAt: Date(timeIntervalSince1970: row["created_at"].double ?? 0),
                               updatedAt: Date(timeIntervalSince1970: row["updated_at"].double ?? 0))
        }
    }

    static func attempt(_ row: Row) -> AttemptRecord? {
        guard let id = row["attempt_id"].string, let campaign = row["campaign_id"].string,
              let contact = row["contact_id"].string, let number = row["attempt_no"].int,
              let state = row["state"].string.flatMap(AttemptRecord.State.init),
              let started = row["started_at"].double else { return nil }
        let tags = row["tags"].string.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        return AttemptRecord(
            attemptID: id, campaignID: campaign, contactID: contact, attemptNumber: number,
            variant: row["variant"].string, state: state, outcome: row["outcome"].string.flatMap(AttemptOutcome.init),
            sipStatus: row["sip_status"].int, amd: row["amd"].string.flatMap(AMDVerdict.init), tags: tags,
            startedAt: Date(timeIntervalSince1970: started),
            answeredAt: row["answered_at"].double.map(Date.init(timeIntervalSince1970:)),
            endedAt: row["ended_at"].double.map(Date.init(timeIntervalSince1970:)),
            amdDecisionMs: row["amd_decision_ms"].int, callID: row["call_id"].string,
            disposition: row["disposition"].string)
    }
}
