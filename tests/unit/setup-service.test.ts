import { describe, expect, it } from 'vitest';
import { appError } from '../../shared/errors';
import { explainFailure } from '../../electron/core/connection/connection-test';
import { DEMO_SHAPE, planDemo, type DemoRow } from '../../electron/core/demo/demo-plan';
import { noDesktop } from '../../electron/core/desktop/desktop-port';
import { dispatch } from '../../electron/core/ipc/dispatch';
import {
  describeStartupProblem,
  startupProblemHandlers,
} from '../../electron/core/setup/startup-problem';
import type { ApiFailure } from '../../electron/core/sync/server-api';

const HTTPS = new URL('https://sync.example.com');
const HTTP = new URL('http://10.0.0.5:8787');
const at = (status: number, code = 'rejected'): ApiFailure => ({ ...appError(code, 'x'), status });

describe('connection test verdicts', () => {
  it.each([
    [
      appError(
        'network',
        'Nothing answers at 10.0.0.5:8787: is the server running and the address right?',
        true,
      ),
      HTTP,
      'unreachable',
      'The console cannot reach 10.0.0.5:8787. Nothing answers',
    ],
    [
      appError('network', 'The server name sync.example.com could not be found.', true),
      HTTPS,
      'unreachable',
      'cannot reach sync.example.com',
    ],
    [
      appError('timeout', 'The server at x did not answer within 10 s.', true),
      HTTP,
      'unreachable',
      'did not answer in time',
    ],
    [
      appError(
        'tls',
        "The secure connection to sync.example.com failed (DEPTH_ZERO_SELF_SIGNED_CERT). Check the server's certificate.",
      ),
      HTTPS,
      'tls',
      'self-signed and not trusted',
    ],
    [
      appError('tls', 'The secure connection to sync.example.com failed (CERT_HAS_EXPIRED).'),
      HTTPS,
      'tls',
      'has expired',
    ],
    [
      appError(
        'tls',
        'The secure connection to sync.example.com failed (ERR_TLS_CERT_ALTNAME_INVALID).',
      ),
      HTTPS,
      'tls',
      'for another name',
    ],
    [
      appError('tls', 'The secure connection failed (ERR_SSL_WRONG_VERSION_NUMBER).'),
      HTTPS,
      'tls',
      'does not speak HTTPS on this port',
    ],
    [
      appError(
        'network',
        'The connection to sync.example.com failed: unable to verify the first certificate',
        true,
      ),
      HTTPS,
      'tls',
      'not signed by an authority',
    ],
    [at(401, 'auth'), HTTPS, 'unauthorized', 'did not accept the token (HTTP 401)'],
    [at(403, 'forbidden'), HTTPS, 'forbidden', 'does not allow it to sync (HTTP 403)'],
    [
      at(404),
      HTTPS,
      'not_sync_server',
      'not a visitor sync server (GET /api/me answered HTTP 404)',
    ],
    [at(200, 'bad_response'), HTTPS, 'not_sync_server', 'is not the sync protocol'],
    [at(503, 'server'), HTTPS, 'server_error', 'could not answer now (HTTP 503)'],
    [at(429, 'rate_limited'), HTTPS, 'server_error', 'HTTP 429'],
  ] as const)('%j at %s → %s', (error, url, problem, words) => {
    const v = explainFailure(error, url);
    expect(v.problem).toBe(problem);
    expect(v.message).toContain(words);
    expect(v.hint.length).toBeGreaterThan(20);
  });
});

describe('the demo’s scripted day', () => {
  const rows: DemoRow[] = Array.from({ length: 40 }, (_, i) => ({
    localId: `l${i}`,
    serverId: `s${i}`,
    title: `T${i}`,
    company: i % 2 ? `C${i}` : null,
  }));

  it('makes each kind of conflict on distinct records, plus clean edits and creates', () => {
    const p = planDemo(rows);
    const edited = p.localEdits.map((e) => e.localId);
    expect(new Set([...edited, ...p.localDeletes]).size).toBe(
      edited.length + p.localDeletes.length,
    );
    const titleEdits = p.localEdits.filter((e) => 'title' in e.patch);
    expect(titleEdits).toHaveLength(DEMO_SHAPE.titleConflicts);
    // the same field, a different value, on the same records: field conflicts
    for (const e of titleEdits) {
      const server = p.serverChanges.find((c) => c.id === `s${e.localId.slice(1)}`);
      expect(server && 'data' in server && server.data.title).not.toBe(e.patch.title);
    }
    expect(p.serverChanges.filter((c) => 'delete' in c)).toHaveLength(DEMO_SHAPE.deletedOnServer);
    expect(p.localDeletes).toHaveLength(DEMO_SHAPE.deleteModified);
    expect(p.localCreates).toHaveLength(DEMO_SHAPE.creates);
    expect(planDemo(rows)).toEqual(p);
  });

  it('refuses a mirror too small for the script', () => {
    expect(() => planDemo(rows.slice(0, 5))).toThrow(RangeError);
  });
});

describe('the database problem screen', () => {
  it.each([
    ['db_locked', 'in use by another program', 'Close any other'],
    ['db_corrupt', 'damaged', 'Choose Rebuild from the server'],
    ['db_corrupt', 'damaged', 'move visitors.sqlite somewhere safe'],
    ['db_newer_schema', 'newer version of the console', 'Install the newer version'],
    ['db_disk_full', 'disk is full', 'Free some space'],
    ['db_cannot_open', 'cannot be opened for writing', 'may write to it'],
    ['db_open_failed', 'could not be opened', 'logs folder'],
  ])('%s: a title, the message and what to do', (code, title, step) => {
    const p = describeStartupProblem(appError(code, 'The file said no.'), '/data/visitors.sqlite');
    expect(p.title).toContain(title);
    expect(p.message).toBe('The file said no.');
    expect(p.steps.join(' ')).toContain(step);
    expect(p.dbPath).toBe('/data/visitors.sqlite');
  });
});

describe('the rebuild on the database problem screen', () => {
  const rebuilt = { summary: {} as never, reopened: true };
  const handlers = (code: string, calls: (string | undefined)[]) =>
    startupProblemHandlers(
      describeStartupProblem(appError(code, 'The file said no.'), '/data/visitors.sqlite'),
      noDesktop,
      (token) => {
        calls.push(token);
        return Promise.resolve(rebuilt);
      },
    );

  it('is offered for a damaged file only, and passes on a typed token', async () => {
    expect(describeStartupProblem(appError('db_corrupt', 'x'), '/d').canRebuild).toBe(true);
    expect(describeStartupProblem(appError('db_locked', 'x'), '/d').canRebuild).toBe(false);
    const calls: (string | undefined)[] = [];
    const damaged = handlers('db_corrupt', calls);
    expect(await dispatch(damaged, 'setup:rebuildDatabase', {})).toEqual({
      ok: true,
      value: rebuilt,
    });
    await dispatch(damaged, 'setup:rebuildDatabase', { token: 'typed-token' });
    expect(calls).toEqual([undefined, 'typed-token']);
  });

  it('is refused for any other problem: moving a newer or locked file is not rebuilt away', async () => {
    const calls: (string | undefined)[] = [];
    for (const code of ['db_newer_schema', 'db_locked', 'db_disk_full']) {
      const r = await dispatch(handlers(code, calls), 'setup:rebuildDatabase', {});
      expect(r).toMatchObject({ ok: false, error: { code } });
    }
    expect(calls).toEqual([]);
  });
});
