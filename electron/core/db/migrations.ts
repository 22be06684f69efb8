import type { Database } from 'better-sqlite3';
import { fail } from '../../../shared/errors';
import { fieldMask } from '../../../shared/visitor';

/**
 * Forward-only schema migrations. The schema version lives in the file
 * (PRAGMA user_version); each step runs in its own transaction with the
 * version bump, so a crash mid-migration leaves the previous version intact.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'visitors mirror',
    up(db) {
      db.exec(`
        CREATE TABLE visitors (
          local_id       TEXT PRIMARY KEY,
          server_id      TEXT UNIQUE,
          server_version INTEGER,
          name           TEXT NOT NULL,
          company        TEXT,
          email          TEXT,
          title          TEXT,
          phone          TEXT,
          interests      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(interests)),
          notes          TEXT,
          capture_method TEXT,
          captured_at    TEXT,
          last_modified  TEXT,
          -- the record as last synced: the base of three-way merges; NULL until first synced
          base           TEXT CHECK (base IS NULL OR json_valid(base)),
          dirty          INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),
          deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
          created_at     TEXT NOT NULL,
          updated_at     TEXT NOT NULL
        );
        -- one index per sortable column, keyed with local_id for keyset paging
        CREATE INDEX visitors_by_name ON visitors (name COLLATE NOCASE, local_id) WHERE deleted = 0;
        CREATE INDEX visitors_by_company ON visitors (ifnull(company, '') COLLATE NOCASE, local_id) WHERE deleted = 0;
        CREATE INDEX visitors_by_email ON visitors (ifnull(email, '') COLLATE NOCASE, local_id) WHERE deleted = 0;
        CREATE INDEX visitors_by_title ON visitors (ifnull(title, '') COLLATE NOCASE, local_id) WHERE deleted = 0;
        CREATE INDEX visitors_by_updated ON visitors (updated_at, local_id) WHERE deleted = 0;
        CREATE INDEX visitors_dirty ON visitors (local_id) WHERE dirty = 1;
      `);
    },
  },
  {
    version: 2,
    name: 'outbox of pending operations',
    up(db) {
      db.exec(`
        CREATE TABLE outbox (
          seq             INTEGER PRIMARY KEY AUTOINCREMENT,
          op_id           TEXT NOT NULL UNIQUE,
          action          TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
          local_id        TEXT NOT NULL,
          server_id       TEXT,
          -- create: the whole record; update: only the changed fields; delete: NULL
          data            TEXT CHECK (data IS NULL OR json_valid(data)),
          base_version    INTEGER,
          op_timestamp    TEXT NOT NULL,
          status          TEXT NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'in_flight', 'retrying', 'failed')),
          attempts        INTEGER NOT NULL DEFAULT 0,
          next_attempt_at TEXT,
          last_error      TEXT CHECK (last_error IS NULL OR json_valid(last_error)),
          created_at      TEXT NOT NULL,
          updated_at      TEXT NOT NULL
        );
        CREATE INDEX outbox_by_local ON outbox (local_id);
        CREATE INDEX outbox_by_status ON outbox (status, next_attempt_at);
      `);
    },
  },
  {
    version: 3,
    name: 'sync state, conflicts, runs and attempts',
    up(db) {
      db.exec(`
        -- small key/value facts of the sync: cursor, lastSyncTimestamp, client id
        CREATE TABLE sync_state (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
        -- an operation the server answered with a conflict, with everything needed to resolve it
        CREATE TABLE conflicts (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          local_id        TEXT NOT NULL,
          server_id       TEXT,
          op_id           TEXT NOT NULL UNIQUE,
          action          TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
          kind            TEXT NOT NULL CHECK (kind IN ('field', 'update_deleted', 'delete_modified')),
          conflict_fields TEXT NOT NULL CHECK (json_valid(conflict_fields)),
          client_data     TEXT NOT NULL CHECK (json_valid(client_data)),
          server_data     TEXT CHECK (server_data IS NULL OR json_valid(server_data)),
          base_data       TEXT CHECK (base_data IS NULL OR json_valid(base_data)),
          base_version    INTEGER,
          server_version  INTEGER,
          status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
          created_at      TEXT NOT NULL,
          resolved_at     TEXT
        );
        CREATE INDEX conflicts_open ON conflicts (status, id);
        CREATE INDEX conflicts_by_local ON conflicts (local_id);
        -- one row per sync run, for the history
        CREATE TABLE sync_runs (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          trigger     TEXT NOT NULL,
          started_at  TEXT NOT NULL,
          finished_at TEXT,
          outcome     TEXT CHECK (outcome IS NULL OR outcome IN
                        ('success', 'partial', 'failed', 'cancelled', 'auth_error', 'interrupted')),
          pulled      INTEGER NOT NULL DEFAULT 0,
          created     INTEGER NOT NULL DEFAULT 0,
          updated     INTEGER NOT NULL DEFAULT 0,
          deleted     INTEGER NOT NULL DEFAULT 0,
          conflicts   INTEGER NOT NULL DEFAULT 0,
          errors      INTEGER NOT NULL DEFAULT 0,
          retried     INTEGER NOT NULL DEFAULT 0,
          bytes_sent  INTEGER NOT NULL DEFAULT 0,
          bytes_received INTEGER NOT NULL DEFAULT 0,
          last_error  TEXT CHECK (last_error IS NULL OR json_valid(last_error))
        );
        -- every time an operation went out, and what came of it (the admins' timeline)
        CREATE TABLE outbox_attempts (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          op_id        TEXT NOT NULL,
          run_id       INTEGER,
          chunk        TEXT,
          attempted_at TEXT NOT NULL,
          outcome      TEXT NOT NULL CHECK (outcome IN ('success', 'conflict', 'retry', 'failed')),
          http_status  INTEGER,
          error        TEXT CHECK (error IS NULL OR json_valid(error))
        );
        CREATE INDEX outbox_attempts_by_op ON outbox_attempts (op_id, id);
        -- the status bar counts after every edit: a covering index keeps that cheap
        CREATE INDEX outbox_counts ON outbox (status, action);
      `);
    },
  },
  {
    version: 4,
    name: 'conflict decisions, undo and the audit trail',
    up(db) {
      db.exec(`
        -- the workspace sorts and filters in SQLite: what it needs is kept on the row
        ALTER TABLE conflicts ADD COLUMN visitor_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE conflicts ADD COLUMN company TEXT NOT NULL DEFAULT '';
        -- one bit per visitor field (VISITOR_FIELDS order): "conflicts on phone" is a mask test
        ALTER TABLE conflicts ADD COLUMN field_mask INTEGER NOT NULL DEFAULT 0;
        -- the decision chosen in the workspace but not applied yet
        ALTER TABLE conflicts ADD COLUMN draft TEXT CHECK (draft IS NULL OR json_valid(draft));
        -- the decision applied, and the bulk apply it belonged to (for undo)
        ALTER TABLE conflicts ADD COLUMN resolution TEXT CHECK (resolution IS NULL OR json_valid(resolution));
        ALTER TABLE conflicts ADD COLUMN batch_id INTEGER;
        UPDATE conflicts SET
          visitor_name = coalesce((SELECT name FROM visitors v WHERE v.local_id = conflicts.local_id), ''),
          company = coalesce((SELECT company FROM visitors v WHERE v.local_id = conflicts.local_id), '');
        CREATE INDEX conflicts_open_by_name ON conflicts (visitor_name COLLATE NOCASE, id) WHERE status = 'open';
        CREATE INDEX conflicts_open_by_company ON conflicts (company COLLATE NOCASE, id) WHERE status = 'open';
        CREATE INDEX conflicts_open_by_kind ON conflicts (kind, id) WHERE status = 'open';
        CREATE INDEX conflicts_by_batch ON conflicts (batch_id) WHERE batch_id IS NOT NULL;
        -- one row per bulk apply; undone_at is set when it was undone
        CREATE TABLE resolve_batches (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          at          TEXT NOT NULL,
          actor       TEXT NOT NULL,
          description TEXT NOT NULL,
          count       INTEGER NOT NULL,
          undone_at   TEXT
        );
        -- what one conflict's apply replaced, so the batch can be put back while unpushed
        CREATE TABLE resolve_undo (
          batch_id       INTEGER NOT NULL,
          conflict_id    INTEGER NOT NULL,
          local_id       TEXT NOT NULL,
          visitor_before TEXT CHECK (visitor_before IS NULL OR json_valid(visitor_before)),
          ops_removed    TEXT NOT NULL CHECK (json_valid(ops_removed)),
          op_added       TEXT,
          -- 1 when the apply removed the visitor row (the server's deletion accepted)
          removed        INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (batch_id, conflict_id)
        ) WITHOUT ROWID;
        -- every decision taken on the data: who, when, what, before and after
        CREATE TABLE audit (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          at          TEXT NOT NULL,
          actor       TEXT NOT NULL,
          action      TEXT NOT NULL,
          local_id    TEXT,
          server_id   TEXT,
          conflict_id INTEGER,
          op_id       TEXT,
          batch_id    INTEGER,
          detail      TEXT CHECK (detail IS NULL OR json_valid(detail)),
          before      TEXT CHECK (before IS NULL OR json_valid(before)),
          after       TEXT CHECK (after IS NULL OR json_valid(after))
        );
        CREATE INDEX audit_by_local ON audit (local_id, id);
        CREATE INDEX resolve_undo_by_op ON resolve_undo (op_added) WHERE op_added IS NOT NULL;
      `);
      const setMask = db.prepare('UPDATE conflicts SET field_mask = ? WHERE id = ?');
      const rows = db.prepare('SELECT id, conflict_fields FROM conflicts').all() as {
        id: number;
        conflict_fields: string;
      }[];
      for (const r of rows) setMask.run(fieldMask(JSON.parse(r.conflict_fields) as string[]), r.id);
    },
  },
  {
    version: 5,
    name: 'retry queue: exported failed operations',
    up(db) {
      db.exec(`
        -- when a failed operation was last exported: purging is allowed only after an export
        ALTER TABLE outbox ADD COLUMN exported_at TEXT;
      `);
    },
  },
  {
    version: 7,
    name: 'undo records by record',
    up(db) {
      db.exec(`
        -- a record decided twice in one bulk apply: its later undo record is found by record
        CREATE INDEX resolve_undo_by_local ON resolve_undo (batch_id, local_id, conflict_id);
        `);
    },
  },
  {
    version: 9,
    name: 'reconciliation memory: saved rules, remembered values, stale captures',
    up(db) {
      db.exec(`
        -- a rule staff saved: what it matches and its decision, replayed on new conflicts
        CREATE TABLE resolve_rules (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
          match      TEXT NOT NULL CHECK (json_valid(match)),
          decision   TEXT NOT NULL CHECK (json_valid(decision)),
          mode       TEXT NOT NULL DEFAULT 'proposed' CHECK (mode IN ('proposed', 'automatic')),
          enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
          -- conflicts it gave a draft to or resolved, over its life
          matched    INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        -- what a field was settled to for a pair of sides (ours, theirs), as git's rerere
        CREATE TABLE remembered_values (
          id        INTEGER PRIMARY KEY AUTOINCREMENT,
          pair_key  TEXT NOT NULL UNIQUE,
          field     TEXT NOT NULL,
          ours      TEXT NOT NULL CHECK (json_valid(ours)),
          theirs    TEXT NOT NULL CHECK (json_valid(theirs)),
          result    TEXT NOT NULL CHECK (json_valid(result)),
          uses      INTEGER NOT NULL DEFAULT 1,
          -- the bulk apply that last set it: its undo forgets it again
          batch_id  INTEGER,
          at        TEXT NOT NULL
        );
        -- how much earlier the client's change was made than the server's (ms; NULL unknown)
        ALTER TABLE conflicts ADD COLUMN capture_gap_ms INTEGER;
        -- the rule whose decision the draft is, while nobody changed it
        ALTER TABLE conflicts ADD COLUMN draft_rule TEXT;
        CREATE INDEX conflicts_open_by_gap ON conflicts (capture_gap_ms) WHERE status = 'open';
        -- undo beyond the last apply: "was this record decided again by a later apply?"
        CREATE INDEX resolve_undo_by_local_later ON resolve_undo (local_id, batch_id);
      `);
    },
  },
  {
    version: 10,
    name: 'retry queue: the archive of discarded operations',
    up(db) {
      db.exec(`
        -- a discarded operation is kept here whole, never deleted: only a purge removes it,
        -- and only once it was exported to a file that was saved
        CREATE TABLE outbox_archive (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          -- the outbox row as it was (same seq and opId, so a restore puts it back unchanged)
          seq             INTEGER NOT NULL,
          op_id           TEXT NOT NULL UNIQUE,
          action          TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
          local_id        TEXT NOT NULL,
          server_id       TEXT,
          data            TEXT CHECK (data IS NULL OR json_valid(data)),
          base_version    INTEGER,
          op_timestamp    TEXT NOT NULL,
          status          TEXT NOT NULL,
          attempts        INTEGER NOT NULL,
          last_error      TEXT CHECK (last_error IS NULL OR json_valid(last_error)),
          created_at      TEXT NOT NULL,
          updated_at      TEXT NOT NULL,
          visitor_name    TEXT NOT NULL DEFAULT '',
          -- every attempt with its error, as outbox_attempts held them when archived
          attempt_log     TEXT NOT NULL CHECK (json_valid(attempt_log)),
          -- who discarded it, when, and the operations discarded together (one action)
          archived_at     TEXT NOT NULL,
          archived_by     TEXT NOT NULL,
          server_name     TEXT,
          discard_id      TEXT NOT NULL,
          -- the matched operation this one came along with (a create's queued changes)
          depends_on      TEXT,
          -- set once it is in an export file that was saved: only then may it be purged
          exported_at     TEXT
        );
        CREATE INDEX outbox_archive_by_time ON outbox_archive (archived_at, id);
        CREATE INDEX outbox_archive_by_discard ON outbox_archive (discard_id, local_id);
      `);
    },
  },
  {
    version: 11,
    name: 'imports: where each file got to; full-text search of visitors',
    up(db) {
      db.exec(`
        -- one row per imported file (by its bytes): an interrupted import goes on from next_line
        CREATE TABLE import_runs (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          fingerprint  TEXT NOT NULL UNIQUE,
          file_name    TEXT NOT NULL,
          format       TEXT NOT NULL CHECK (format IN ('csv', 'jsonl')),
          mapping      TEXT NOT NULL CHECK (json_valid(mapping)),
          -- the time part of the visitors' ids this import creates (ids are derived from it and the line)
          id_time      INTEGER NOT NULL,
          -- every row starting before this line is in the database, committed with this row
          next_line    INTEGER NOT NULL DEFAULT 1,
          rows         INTEGER NOT NULL DEFAULT 0,
          created      INTEGER NOT NULL DEFAULT 0,
          updated      INTEGER NOT NULL DEFAULT 0,
          unchanged    INTEGER NOT NULL DEFAULT 0,
          rejected     INTEGER NOT NULL DEFAULT 0,
          -- the first rejected lines with their reasons (capped), for the summary after a resume
          rejected_lines TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(rejected_lines)),
          started_at   TEXT NOT NULL,
          updated_at   TEXT NOT NULL,
          finished_at  TEXT
        );
        -- every text field of the visitors, for prefix search (FTS5 over the table's own rows);
        -- only rows on show (deleted = 0) are indexed, so a search's count is the index's alone
        CREATE VIRTUAL TABLE visitors_fts USING fts5(
          name, company, email, title, phone, interests, notes,
          content = 'visitors', content_rowid = 'rowid',
          tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
        );
        CREATE TRIGGER visitors_fts_insert AFTER INSERT ON visitors WHEN new.deleted = 0 BEGIN
          INSERT INTO visitors_fts (rowid, name, company, email, title, phone, interests, notes)
          VALUES (new.rowid, new.name, new.company, new.email, new.title, new.phone, new.interests, new.notes);
        END;
        CREATE TRIGGER visitors_fts_delete AFTER DELETE ON visitors WHEN old.deleted = 0 BEGIN
          INSERT INTO visitors_fts (visitors_fts, rowid, name, company, email, title, phone, interests, notes)
          VALUES ('delete', old.rowid, old.name, old.company, old.email, old.title, old.phone, old.interests, old.notes);
        END;
        -- one trigger, so the old words leave the index before the new ones come in
        CREATE TRIGGER visitors_fts_update
        AFTER UPDATE OF name, company, email, title, phone, interests, notes, deleted ON visitors
        -- a sync or an apply rewrites every column; the index is only touched when words change
        WHEN old.name IS NOT new.name OR old.company IS NOT new.company OR old.email IS NOT new.email
          OR old.title IS NOT new.title OR old.phone IS NOT new.phone
          OR old.interests IS NOT new.interests OR old.notes IS NOT new.notes
          OR old.deleted IS NOT new.deleted
        BEGIN
          INSERT INTO visitors_fts (visitors_fts, rowid, name, company, email, title, phone, interests, notes)
          SELECT 'delete', old.rowid, old.name, old.company, old.email, old.title, old.phone, old.interests, old.notes
          WHERE old.deleted = 0;
          INSERT INTO visitors_fts (rowid, name, company, email, title, phone, interests, notes)
          SELECT new.rowid, new.name, new.company, new.email, new.title, new.phone, new.interests, new.notes
          WHERE new.deleted = 0;
        END;
        INSERT INTO visitors_fts (rowid, name, company, email, title, phone, interests, notes)
          SELECT rowid, name, company, email, title, phone, interests, notes FROM visitors WHERE deleted = 0;
        -- Phone and Interests (by the first interest) sort like the other columns: keyset paging needs an index each
        CREATE INDEX visitors_by_phone ON visitors (ifnull(phone, '') COLLATE NOCASE, local_id) WHERE deleted = 0;
        CREATE INDEX visitors_by_interests ON visitors (ifnull(json_extract(interests, '$[0]'), '') COLLATE NOCASE, local_id) WHERE deleted = 0;
      `);
    },
  },
  {
    version: 12,
    name: 'bulk edits of visitors: what each changed, so it can be undone while unsent',
    up(db) {
      db.exec(`
        CREATE TABLE visitor_edit_batches (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          at           TEXT NOT NULL,
          description  TEXT NOT NULL,
          field        TEXT NOT NULL,
          count        INTEGER NOT NULL,
          undone_at    TEXT
        );
        -- one row per visitor the edit changed: the field's value before and after (JSON),
        -- and the outbox operation that carries the change (null: the edit left none)
        CREATE TABLE visitor_edit_undo (
          batch_id  INTEGER NOT NULL REFERENCES visitor_edit_batches (id) ON DELETE CASCADE,
          local_id  TEXT NOT NULL,
          before    TEXT NOT NULL CHECK (json_valid(before)),
          after     TEXT NOT NULL CHECK (json_valid(after)),
          op_seq    INTEGER,
          PRIMARY KEY (batch_id, local_id)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 13,
    name: 'search index kept set-based by bulk writes',
    up(db) {
      // The row triggers that keep visitors_fts in step cost far more than the
      // same index writes made in one statement: profiled on this schema at
      // 100 000 pulled visitors in pages of 5 000, 13 s of CPU with the
      // triggers against 4.7-6.5 s with one set-based statement a page (4.5 s
      // with no search index at all); two thirds of a first mirror was the
      // triggers. Bulk writers put a row in visitors_fts_paused inside their own
      // transaction, write, take it out and bring the index up to date in one
      // statement (visitors/search-index.ts); no other connection ever sees it.
      db.exec(`
        CREATE TABLE visitors_fts_paused (one INTEGER PRIMARY KEY CHECK (one = 1));
        DROP TRIGGER visitors_fts_insert;
        DROP TRIGGER visitors_fts_delete;
        DROP TRIGGER visitors_fts_update;
        CREATE TRIGGER visitors_fts_insert AFTER INSERT ON visitors
        WHEN new.deleted = 0 AND NOT EXISTS (SELECT 1 FROM visitors_fts_paused) BEGIN
          INSERT INTO visitors_fts (rowid, name, company, email, title, phone, interests, notes)
          VALUES (new.rowid, new.name, new.company, new.email, new.title, new.phone, new.interests, new.notes);
        END;
        CREATE TRIGGER visitors_fts_delete AFTER DELETE ON visitors
        WHEN old.deleted = 0 AND NOT EXISTS (SELECT 1 FROM visitors_fts_paused) BEGIN
          INSERT INTO visitors_fts (visitors_fts, rowid, name, company, email, title, phone, interests, notes)
          VALUES ('delete', old.rowid, old.name, old.company, old.email, old.title, old.phone, old.interests, old.notes);
        END;
        CREATE TRIGGER visitors_fts_update
        AFTER UPDATE OF name, company, email, title, phone, interests, notes, deleted ON visitors
        WHEN (old.name IS NOT new.name OR old.company IS NOT new.company OR old.email IS NOT new.email
          OR old.title IS NOT new.title OR old.phone IS NOT new.phone
          OR old.interests IS NOT new.interests OR old.notes IS NOT new.notes
          OR old.deleted IS NOT new.deleted)
          AND NOT EXISTS (SELECT 1 FROM visitors_fts_paused)
        BEGIN
          INSERT INTO visitors_fts (visitors_fts, rowid, name, company, email, title, phone, interests, notes)
          SELECT 'delete', old.rowid, old.name, old.company, old.email, old.title, old.phone, old.interests, old.notes
          WHERE old.deleted = 0;
          INSERT INTO visitors_fts (rowid, name, company, email, title, phone, interests, notes)
          SELECT new.rowid, new.name, new.company, new.email, new.title, new.phone, new.interests, new.notes
          WHERE new.deleted = 0;
        END;
      `);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the file to `target` (default: latest). Returns the versions it went from and to. */
export function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
  target?: number,
): { from: number; to: number } {
  const from = schemaVersion(db);
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  const upTo = target ?? latest;
  if (from > latest) {
    fail(
      'db_newer_schema',
      `This database was written by a newer version of the console (schema ${from}, this version knows ${latest}). Update the console, or open another database.`,
    );
  }
  const steps = [...migrations]
    .filter((m) => m.version > from && m.version <= upTo)
    .sort((a, b) => a.version - b.version);
  for (const step of steps) {
    db.transaction(() => {
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
    })();
  }
  return { from, to: schemaVersion(db) };
}
