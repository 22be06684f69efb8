import Database from 'better-sqlite3';

/**
 * Reads both databases after a run has synced to the end, and counts what
 * exactly-once delivery forbids. The expectations come from the run itself:
 * the creates it imported (unique names) and the updates (a unique title per
 * record, on top of the version the mirror had).
 */

export interface Expected {
  creates: { name: string; email: string }[];
  updates: { serverId: string; title: string; baseVersion: number }[];
}

export interface Verdict {
  /** A change that is not on the server. */
  lost: number;
  /** A change applied more than once (two records for a create, two versions for an update, a key twice in the ledger). */
  duplicated: number;
  /** Operations still in the outbox after the final sync. */
  stuck: number;
  /** Records where the mirror differs from the server (conflicts excepted), or is on one side only. */
  wrongMirror: number;
  /** The first few findings, for the log. */
  details: string[];
}

const FIELDS = ['name', 'company', 'email', 'title', 'phone', 'notes'] as const;

type Row = Record<(typeof FIELDS)[number], string | null> & { version: number };

function open(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

export function check(serverDb: string, clientDb: string, expected: Expected): Verdict {
  const details: string[] = [];
  const note = (s: string) => details.length < 8 && details.push(s);
  const srv = open(serverDb);
  const cli = open(clientDb);
  try {
    const live = new Map<string, Row>();
    for (const r of srv
      .prepare(`SELECT id, version, ${FIELDS.join(', ')} FROM visitors WHERE deleted = 0`)
      .all() as (Row & { id: string })[])
      live.set(r.id, r);

    let lost = 0;
    let duplicated = 0;
    const byName = new Map<string, number>();
    for (const r of live.values()) byName.set(r.name!, (byName.get(r.name!) ?? 0) + 1);
    for (const c of expected.creates) {
      const n = byName.get(c.name) ?? 0;
      if (n === 0) {
        lost++;
        note(`create lost: ${c.name}`);
      } else if (n > 1) {
        duplicated += n - 1;
        note(`create applied ${n} times: ${c.name}`);
      }
    }
    for (const u of expected.updates) {
      const r = live.get(u.serverId);
      if (!r || r.title !== u.title) {
        lost++;
        note(`update lost: ${u.serverId} title ${r?.title ?? '(no record)'}`);
      } else if (r.version > u.baseVersion + 1) {
        duplicated++;
        note(`update applied ${r.version - u.baseVersion} times: ${u.serverId}`);
      }
    }
    const twice = srv
      .prepare(
        'SELECT count(*) AS n FROM (SELECT key FROM applied_ops GROUP BY key HAVING count(*) > 1)',
      )
      .get() as { n: number };
    if (twice.n > 0) {
      duplicated += twice.n;
      note(`${twice.n} idempotency keys recorded twice`);
    }

    const stuck = (cli.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    if (stuck > 0) note(`${stuck} operations left in the outbox`);

    const inConflict = new Set(
      (
        cli.prepare("SELECT local_id FROM conflicts WHERE status = 'open'").all() as {
          local_id: string;
        }[]
      ).map((r) => r.local_id),
    );
    let wrongMirror = 0;
    const mirrored = cli
      .prepare(
        `SELECT local_id, server_id, server_version AS version, deleted, ${FIELDS.join(', ')} FROM visitors`,
      )
      .all() as (Row & { local_id: string; server_id: string | null; deleted: number })[];
    const seen = new Set<string>();
    for (const m of mirrored) {
      if (inConflict.has(m.local_id)) {
        if (m.server_id) seen.add(m.server_id);
        continue;
      }
      if (m.deleted) continue;
      if (m.server_id === null) {
        wrongMirror++;
        note(`mirror record never reached the server: ${m.local_id}`);
        continue;
      }
      seen.add(m.server_id);
      const s = live.get(m.server_id);
      const differs = !s
        ? ['(not on the server)']
        : [...FIELDS, 'version' as const].filter((f) => s[f] !== m[f]);
      if (differs.length > 0) {
        wrongMirror++;
        note(`mirror differs on ${m.server_id}: ${differs.join(', ')}`);
      }
    }
    for (const id of live.keys())
      if (!seen.has(id)) {
        wrongMirror++;
        note(`server record missing from the mirror: ${id}`);
      }
    return { lost, duplicated, stuck, wrongMirror, details };
  } finally {
    srv.close();
    cli.close();
  }
}
