import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server/index';
import {
  cleanUp,
  cli,
  count,
  parseJson,
  query,
  server,
  syncArgs,
  tempDir,
  writeFile,
} from './helpers';

interface ImportSummary {
  file: string;
  format: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejectedLines: { line: number; reason: string }[];
}

interface VisitorSql {
  local_id: string;
  server_id: string | null;
  name: string;
  company: string | null;
  email: string | null;
  title: string | null;
  phone: string | null;
  interests: string;
  notes: string | null;
  capture_method: string | null;
  captured_at: string | null;
}

interface OutboxSql {
  seq: number;
  action: string;
  local_id: string;
  server_id: string | null;
  data: string | null;
  status: string;
}

let srv: RunningServer | undefined;
afterEach(async () => {
  cleanUp();
  await srv?.stop();
  srv = undefined;
});

const byName = (db: string, name: string) =>
  query<VisitorSql>(db, 'SELECT * FROM visitors WHERE name = ?', name)[0];

describe('cli import: CSV', () => {
  it('imports good rows, reports each bad row by line with its reason, loses nothing else', async () => {
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const csv =
      '\uFEFFname,company,email,title,phone,interests,notes,captureMethod,capturedAt\r\n' +
      'Alice Johnson,"Innovation Labs, Inc.",alice@labs.io,CTO,+1 555 0100,AI; machine learning|cloud,"She said ""call me""",business_card,2023-12-01T10:30:00.000Z\r\n' +
      'Bob Stone,,bob@stone.dev,,,,"two\r\nlines of notes",,\r\n' +
      'Carl Bad,Acme,not-an-email,,,,,,\r\n' +
      'Dora Ragged,Acme\r\n' +
      ',Nameless Corp,x@y.org,,,,,,\r\n' +
      'Eve Late,Acme,eve@acme.org,,,,,,yesterday\r\n' +
      '"Frank ""Frankie"" Moe",Acme,frank@acme.org,,,security,,event_badge,\r\n' +
      '"Gina Unclosed,Acme,gina@acme.org,,,,,,\r\n';
    const file = writeFile(dir, 'visitors.csv', csv);

    const r = await cli(['import', file, '--db', db, '--json']);
    expect(r.code).toBe(1);
    const summary = parseJson<ImportSummary>(r);
    expect(summary).toEqual({
      file,
      format: 'csv',
      rows: 8,
      created: 3,
      updated: 0,
      unchanged: 0,
      rejected: 5,
      rejectedLines: [
        { line: 5, reason: 'data.email: must be a valid email address' },
        { line: 6, reason: 'expected 9 fields (one per column), found 2' },
        { line: 7, reason: 'data.name: is required' },
        { line: 8, reason: 'data.capturedAt: must be an ISO 8601 timestamp' },
        { line: 10, reason: 'field 1: the quoted field opened on line 10 is never closed' },
      ],
      resumed: false,
      alreadyImported: false,
    });
    expect(r.stderr).toBe(
      [
        'line 5: data.email: must be a valid email address',
        'line 6: expected 9 fields (one per column), found 2',
        'line 7: data.name: is required',
        'line 8: data.capturedAt: must be an ISO 8601 timestamp',
        'line 10: field 1: the quoted field opened on line 10 is never closed',
        '',
      ].join('\n'),
    );

    // Exactly the good rows, field for field; an empty cell is null.
    expect(count(db, 'SELECT count(*) AS n FROM visitors')).toBe(3);
    expect(byName(db, 'Alice Johnson')).toMatchObject({
      server_id: null,
      company: 'Innovation Labs, Inc.',
      email: 'alice@labs.io',
      title: 'CTO',
      phone: '+1 555 0100',
      interests: JSON.stringify(['AI', 'machine learning', 'cloud']),
      notes: 'She said "call me"',
      capture_method: 'business_card',
      captured_at: '2023-12-01T10:30:00.000Z',
    });
    expect(byName(db, 'Bob Stone')).toMatchObject({
      company: null,
      title: null,
      interests: '[]',
      notes: 'two\r\nlines of notes',
      captured_at: null,
    });
    expect(byName(db, 'Frank "Frankie" Moe')).toMatchObject({
      interests: '["security"]',
      capture_method: 'event_badge',
    });
    // One create per visitor in the outbox, waiting to be sent.
    const ops = query<OutboxSql>(db, 'SELECT * FROM outbox ORDER BY seq');
    expect(ops.map((o) => [o.action, o.status])).toEqual([
      ['create', 'pending'],
      ['create', 'pending'],
      ['create', 'pending'],
    ]);
    expect(JSON.parse(ops[0]!.data!)).toMatchObject({ name: 'Alice Johnson', title: 'CTO' });
  });

  it('prints a readable summary without --json, and exits 0 when every row went in', async () => {
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const file = writeFile(dir, 'few.csv', 'name,email\nAnn,ann@x.org\nBen,\n');
    const r = await cli(['import', file, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Imported ${file} (csv): 2 rows`);
    expect(r.stdout).toMatch(/created\s+2/);
    expect(r.stdout).toMatch(/rejected\s+0/);
    expect(r.stdout).toContain('run "sync" to send them');
  });

  it('refuses a header with an unknown column, naming it, and imports nothing', async () => {
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const file = writeFile(dir, 'bad.csv', 'name,fax,email\nAnn,123,ann@x.org\n');
    const r = await cli(['import', file, '--db', db, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/line 1: unknown column "fax"/);
    expect(r.stderr).toContain('nothing was imported');
  });

  it('needs a known format, a readable file and --db', async () => {
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const txt = writeFile(dir, 'v.txt', 'name\nA\n');
    const noExt = await cli(['import', txt, '--db', db]);
    expect(noExt.code).toBe(2);
    expect(noExt.stderr).toMatch(/cannot tell the format/);
    expect(noExt.stderr).toContain('usage: npm run cli -- import');

    const forced = await cli(['import', txt, '--db', db, '--format', 'csv', '--json']);
    expect(forced.code).toBe(0);
    expect(parseJson<ImportSummary>(forced).created).toBe(1);

    const missing = await cli(['import', `${dir}/nope.csv`, '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.csv: no such file/);

    const noDb = await cli(['import', txt, '--format', 'csv']);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/^error: --db is required/);

    const noFile = await cli(['import', '--db', db]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/^error: missing the file to import/);
  });
});

describe('cli import: JSONL', () => {
  it('imports good lines and reports malformed JSON, unknown fields and invalid values by line', async () => {
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const lines = [
      '{"name":"Ann Lee","email":"ann@lee.org","interests":["AI","cloud"]}',
      '',
      '{"name":"Broken", "email": ',
      '{"name":"Fax Person","fax":"123"}',
      '{"name":"Wrong Type","interests":"AI;cloud"}',
      '   ',
      '{"name":"Cy Young","notes":"line1\\nline2","capturedAt":"2024-05-01T09:00:00Z"}',
      '[{"name":"array"}]',
      '{"email":"nameless@x.org"}',
    ];
    const file = writeFile(dir, 'visitors.jsonl', `${lines.join('\n')}\n`);
    const r = await cli(['import', file, '--db', db, '--json']);
    expect(r.code).toBe(1);
    const s = parseJson<ImportSummary>(r);
    expect(s).toMatchObject({ format: 'jsonl', rows: 7, created: 2, rejected: 5 });
    expect(s.rejectedLines.map((l) => l.line)).toEqual([3, 4, 5, 8, 9]);
    expect(s.rejectedLines[0]!.reason).toMatch(/^malformed JSON: /);
    expect(s.rejectedLines[1]!.reason).toMatch(/^unknown field "fax"/);
    expect(s.rejectedLines[2]!.reason).toMatch(/^data\.interests: /);
    expect(s.rejectedLines[3]!.reason).toBe('expected a JSON object');
    expect(s.rejectedLines[4]!.reason).toMatch(/^data\.name: /);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(5);
    expect(r.stderr).toMatch(/^line 3: malformed JSON/m);

    expect(count(db, 'SELECT count(*) AS n FROM visitors')).toBe(2);
    expect(byName(db, 'Ann Lee')).toMatchObject({ interests: '["AI","cloud"]' });
    expect(byName(db, 'Cy Young')).toMatchObject({
      notes: 'line1\nline2',
      captured_at: '2024-05-01T09:00:00Z',
    });
  });
});

describe('cli import: updates by id, through the outbox coalescing', () => {
  it('updates by server or local id, counts unchanged rows, and keeps one operation per record', async () => {
    srv = await server({ seed: 5 });
    const dir = tempDir();
    const db = `${dir}/console.sqlite`;
    const first = await cli(syncArgs(srv, db, '--json', '--quiet'));
    expect(first.code).toBe(0);
    const mirrored = query<VisitorSql>(db, 'SELECT * FROM visitors ORDER BY server_id');
    expect(mirrored).toHaveLength(5);
    const [a, b] = mirrored;

    const created = await cli([
      'import',
      writeFile(dir, 'new.jsonl', '{"name":"Local Only","company":"Start"}\n'),
      '--db',
      db,
    ]);
    expect(created.code).toBe(0);
    const local = byName(db, 'Local Only')!;

    // Title of a (by server id), title of the local one (by local id), b unchanged, an unknown id.
    const one = writeFile(
      dir,
      'one.csv',
      [
        'id,title',
        `${a!.server_id},Head of Sales`,
        `${local.local_id},Founder`,
        `${b!.server_id},${b!.title ?? ''}`,
        'no-such-id,Ghost',
      ].join('\n'),
    );
    const r1 = await cli(['import', one, '--db', db, '--json']);
    expect(r1.code).toBe(1);
    expect(parseJson<ImportSummary>(r1)).toMatchObject({
      rows: 4,
      created: 0,
      updated: 2,
      unchanged: 1,
      rejected: 1,
      rejectedLines: [
        { line: 5, reason: 'id: no visitor has the local or server id "no-such-id"' },
      ],
    });

    // The same ids again, other fields: still one operation per record.
    const two = writeFile(
      dir,
      'two.jsonl',
      [
        JSON.stringify({ id: a!.server_id, phone: '+44 20 7946 0000' }),
        JSON.stringify({ id: local.local_id, email: 'founder@start.io', interests: ['seed'] }),
        JSON.stringify({ id: a!.local_id, title: 'Head of Sales EMEA' }),
      ].join('\n'),
    );
    const r2 = await cli(['import', two, '--db', db, '--json']);
    expect(r2.code).toBe(0);
    expect(parseJson<ImportSummary>(r2)).toMatchObject({ updated: 3, rejected: 0 });

    const ops = query<OutboxSql>(db, 'SELECT * FROM outbox ORDER BY seq');
    expect(ops).toHaveLength(2);
    const onA = ops.find((o) => o.local_id === a!.local_id)!;
    expect(onA.action).toBe('update');
    expect(JSON.parse(onA.data!)).toEqual({
      title: 'Head of Sales EMEA',
      phone: '+44 20 7946 0000',
    });
    const onLocal = ops.find((o) => o.local_id === local.local_id)!;
    expect(onLocal.action).toBe('create');
    expect(JSON.parse(onLocal.data!)).toMatchObject({
      name: 'Local Only',
      company: 'Start',
      title: 'Founder',
      email: 'founder@start.io',
      interests: ['seed'],
    });

    // An update that would make the record invalid is refused with the field's name.
    const bad = writeFile(dir, 'bad.csv', `id,email,name\n${b!.server_id},nope,\n`);
    const r3 = await cli(['import', bad, '--db', db, '--json']);
    expect(r3.code).toBe(1);
    expect(parseJson<ImportSummary>(r3).rejectedLines).toEqual([
      { line: 2, reason: 'data.name: is required; data.email: must be a valid email address' },
    ]);
    expect(query<OutboxSql>(db, 'SELECT * FROM outbox ORDER BY seq')).toHaveLength(2);

    // And the sync sends exactly that.
    const pushed = await cli(syncArgs(srv, db, '--json', '--quiet'));
    expect(pushed.code).toBe(0);
    expect(parseJson<{ created: number; updated: number }>(pushed)).toMatchObject({
      created: 1,
      updated: 1,
    });
  });
});
