import Database from 'better-sqlite3';
import { Agent, request } from 'node:http';

/**
 * T1's baseline: the plain client a team would write without our engine. It
 * fetches the same change pages from the same server one after the other
 * (keep-alive), JSON.parse's each, and upserts every record into plain SQLite
 * with the columns the mirror keeps (values, server id and version, the merge
 * base, flags, timestamps, with the same CHECKs), one transaction per page.
 * `indexes` adds every index the mirror has: the eight on the table (the
 * visitors screen sorts through them) and the full-text search index over
 * the same seven text fields, kept the cheapest way (one INSERT … SELECT of
 * the page's rows per page, no triggers), so the table costs what the
 * mirror's costs to write. Without `indexes`: the bare table.
 */
export async function plainMirror(
  serverUrl: string,
  token: string,
  dbPath: string,
  pageSize: number,
  indexes: boolean,
): Promise<number> {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  // What the engine's pull commits with (db/durability.ts): NORMAL, which survives a process crash.
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE visitors (
    local_id TEXT PRIMARY KEY, server_id TEXT UNIQUE, server_version INTEGER, name TEXT NOT NULL,
    company TEXT, email TEXT, title TEXT, phone TEXT,
    interests TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(interests)), notes TEXT,
    capture_method TEXT, captured_at TEXT, last_modified TEXT,
    base TEXT CHECK (base IS NULL OR json_valid(base)),
    dirty INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
  if (indexes)
    db.exec(`
      CREATE INDEX v_name ON visitors (name COLLATE NOCASE, local_id) WHERE deleted = 0;
      CREATE INDEX v_company ON visitors (ifnull(company, '') COLLATE NOCASE, local_id) WHERE deleted = 0;
      CREATE INDEX v_email ON visitors (ifnull(email, '') COLLATE NOCASE, local_id) WHERE deleted = 0;
      CREATE INDEX v_title ON visitors (ifnull(title, '') COLLATE NOCASE, local_id) WHERE deleted = 0;
      CREATE INDEX v_phone ON visitors (ifnull(phone, '') COLLATE NOCASE, local_id) WHERE deleted = 0;
      CREATE INDEX v_interests ON visitors (ifnull(json_extract(interests, '$[0]'), '') COLLATE NOCASE, local_id) WHERE deleted = 0;
      CREATE INDEX v_updated ON visitors (updated_at, local_id) WHERE deleted = 0;
      CREATE INDEX v_dirty ON visitors (local_id) WHERE dirty = 1;
      CREATE VIRTUAL TABLE v_fts USING fts5(
        name, company, email, title, phone, interests, notes,
        content = 'visitors', content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');`);
  // A first mirror only inserts: the page's rows are those past the last rowid before it.
  const index = indexes
    ? db.prepare(`INSERT INTO v_fts (rowid, name, company, email, title, phone, interests, notes)
        SELECT rowid, name, company, email, title, phone, interests, notes FROM visitors
        WHERE rowid > ? AND deleted = 0`)
    : null;
  const lastRowid = db.prepare('SELECT ifnull(max(rowid), 0) FROM visitors').pluck();
  const upsert = db.prepare(`
    INSERT INTO visitors (local_id, server_id, server_version, name, company, email, title, phone,
      interests, notes, capture_method, captured_at, last_modified, base, created_at, updated_at)
    VALUES (@id, @id, @version, @name, @company, @email, @title, @phone, @interests, @notes,
      @captureMethod, @capturedAt, @lastModified, @base, @at, @at)
    ON CONFLICT (local_id) DO UPDATE SET server_version = excluded.server_version,
      name = excluded.name, company = excluded.company, email = excluded.email,
      title = excluded.title, phone = excluded.phone, interests = excluded.interests,
      notes = excluded.notes, capture_method = excluded.capture_method,
      captured_at = excluded.captured_at, last_modified = excluded.last_modified,
      base = excluded.base, updated_at = excluded.updated_at`);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (url: string) =>
    new Promise<string>((resolve, reject) => {
      request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      })
        .on('error', reject)
        .end();
    });
  type Rec = Record<string, unknown> & { id: string; deleted?: boolean };
  let since: string | null = null;
  let n = 0;
  const at = new Date().toISOString();
  for (;;) {
    const q = new URLSearchParams({ limit: String(pageSize), ...(since ? { since } : {}) });
    const page = JSON.parse(await get(`${serverUrl}/api/visitors/changes?${q}`)) as {
      visitors: Rec[];
      cursor: string;
      hasMore: boolean;
    };
    db.transaction(() => {
      const before = index ? (lastRowid.get() as number) : 0;
      for (const r of page.visitors) {
        if (r.deleted) continue;
        const values = {
          name: r.name,
          company: r.company ?? null,
          email: r.email ?? null,
          title: r.title ?? null,
          phone: r.phone ?? null,
          interests: r.interests ?? [],
          notes: r.notes ?? null,
          captureMethod: r.captureMethod ?? null,
          capturedAt: r.capturedAt ?? null,
        };
        upsert.run({
          ...values,
          id: r.id,
          version: r.version ?? null,
          interests: JSON.stringify(values.interests),
          lastModified: r.lastModified ?? null,
          base: JSON.stringify(values),
          at,
        });
        n++;
      }
      index?.run(before);
    })();
    since = page.cursor;
    if (!page.hasMore) break;
  }
  agent.destroy();
  db.close();
  return n;
}
