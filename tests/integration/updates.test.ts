import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/index';
import { FaultsRequestSchema } from '../../server/faults';
import { serveDesktopLink } from '../../electron/core/desktop/desktop-serve';
import type { DesktopAsk, DesktopTell } from '../../electron/core/desktop/desktop-protocol';
import type { UpdateStatus } from '../../shared/ipc/updates-contract';
import {
  coreConfig,
  removeDir,
  spawnCoreProcess,
  type CoreProcess,
} from '../fixtures/core-process';
import { ADMIN, FAST, server, until } from './sync/helpers';

/**
 * The update flow as the app runs it: the core in its own process asks
 * "main" over the real desktop link; here main's end is the same
 * serveDesktopLink main uses, with a port that records what it was asked
 * and answers as electron-updater would.
 */

let core: CoreProcess | undefined;
let srv: RunningServer | undefined;
let dir: string | undefined;

afterEach(async () => {
  await core?.stop();
  core = undefined;
  await srv?.stop();
  srv = undefined;
  if (dir) removeDir(dir);
  dir = undefined;
});

const OFFER = { version: '2.0.0', notes: 'Faster bulk apply.\nA new Updates dialog.' };

function withDesktop(answers: { check: () => Promise<typeof OFFER | null> }, extra = {}) {
  const cfg = coreConfig({ desktop: true, updates: true, syncSettings: FAST, ...extra });
  dir = cfg.dir;
  const c = spawnCoreProcess(cfg);
  core = c;
  const asked: DesktopAsk['op'][] = [];
  const told: DesktopTell['op'][] = [];
  let finishDownload: () => void = () => undefined;
  serveDesktopLink(
    {
      post: (data) => c.sendUnannounced('desktop', data),
      listen: (listener) => (c.listen('desktop', listener), () => undefined),
    },
    {
      answer(ask) {
        asked.push(ask.op);
        if (ask.op === 'updateCheck') return answers.check();
        if (ask.op === 'updateDownload')
          return new Promise((resolve) => (finishDownload = () => resolve(true)));
        return Promise.resolve(null);
      },
      tell: (t) => told.push(t.op),
      warn: (m) => {
        throw new Error(m);
      },
    },
  );
  const statuses = () =>
    c.events.filter((e) => e.event === 'updates:status').map((e) => e.payload as UpdateStatus);
  const last = () => statuses().at(-1);
  return { core: c, asked, told, statuses, last, finishDownload: () => finishDownload() };
}

describe('updates over the desktop link', () => {
  it('checks once the core is ready, downloads, shows the notes, and installs only when asked', async () => {
    const d = withDesktop({ check: () => Promise.resolve(OFFER) });
    expect(await d.core.started).toEqual({ t: 'started', ok: true });
    await until(() => d.asked.includes('updateDownload'));
    expect(d.asked).toEqual(['updateCheck', 'updateDownload']);
    expect(d.last()?.state).toEqual({ kind: 'downloading', offer: OFFER });
    d.finishDownload();
    await until(() => d.last()?.state.kind === 'ready');
    expect(d.last()).toEqual({
      state: { kind: 'ready', offer: OFFER },
      waitingForSync: null,
      open: true,
    });
    expect(d.told).not.toContain('updateInstall');

    // "Later": nothing installs; the window's dialog closes.
    expect((await d.core.call('updates:later', {})).open).toBe(false);
    expect(d.told).not.toContain('updateInstall');
    const installing = await d.core.call('updates:install', {});
    expect(installing.state.kind).toBe('installing');
    await until(() => d.told.includes('updateInstall'));
  });

  it('a failed check is a value with words, and the menu may check again', async () => {
    let calls = 0;
    const d = withDesktop({
      check: () =>
        ++calls === 1
          ? Promise.reject(new Error('net::ERR_NAME_NOT_RESOLVED'))
          : Promise.resolve(null),
    });
    await d.core.started;
    await until(() => d.last()?.state.kind === 'failed');
    const failed = d.last()!.state;
    expect(failed.kind === 'failed' && failed.error).toMatchObject({
      code: 'update_check_failed',
      retryable: true,
    });
    expect(failed.kind === 'failed' && failed.error.message).toMatch(/Check for Updates/);
    d.core.control({ t: 'command', command: 'check-updates' });
    await until(() => d.last()?.state.kind === 'upToDate');
    expect(d.last()?.open).toBe(true);
  });

  it('never checks while a sync runs: the menu check waits for the run to end', async () => {
    srv = await server({ seed: 20 });
    const d = withDesktop({ check: () => Promise.resolve(null) });
    await d.core.started;
    await until(() => d.last()?.state.kind === 'upToDate');
    await d.core.call('sync:connect', { serverUrl: srv.url, token: ADMIN });
    await d.core.call('sync:start', {});
    await d.core.call('visitors:create', { values: { name: 'Ada', interests: [] } });
    // The push's answer is held 1.5 s on the server: the run is under way meanwhile.
    srv.faults.set(FaultsRequestSchema.parse({ delayResponses: { count: 1, ms: 1_500 } }));
    const run = d.core.call('sync:start', {});
    await until(() => (d.core.events.at(-1)?.payload as { running?: boolean })?.running === true);
    const checksBefore = d.asked.filter((op) => op === 'updateCheck').length;

    d.core.control({ t: 'command', command: 'check-updates' });
    await until(() => d.last()?.waitingForSync === 'check');
    const held = await d.core.call('updates:status', {});
    expect(held).toEqual({ state: { kind: 'upToDate' }, waitingForSync: 'check', open: true });
    expect((await d.core.call('sync:status', {})).running).toBe(true);
    expect(d.asked.filter((op) => op === 'updateCheck').length).toBe(checksBefore);

    await run;
    await until(() => d.asked.filter((op) => op === 'updateCheck').length === checksBefore + 1);
    await until(() => d.last()?.state.kind === 'upToDate' && d.last()?.waitingForSync === null);
  });
});
