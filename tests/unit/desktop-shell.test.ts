import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../shared/ipc/contract';
import { openLog } from '../../electron/core/log/log-file';
import { menuTemplate } from '../../electron/core/desktop/menu-template';
import { notificationFor } from '../../electron/core/sync/notify-policy';
import { DEFAULT_SIZE, restoreBounds } from '../../electron/core/desktop/window-bounds';

const run = (over: Partial<SyncRun>): SyncRun => ({
  id: 1,
  trigger: 'interval',
  startedAt: '2026-01-01T10:00:00.000Z',
  finishedAt: '2026-01-01T10:00:05.000Z',
  outcome: 'success',
  pulled: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  conflicts: 0,
  errors: 0,
  retried: 0,
  bytesSent: 0,
  bytesReceived: 0,
  lastError: null,
  ...over,
});

describe('OS notification after a background sync', () => {
  it.each([
    [
      { trigger: 'interval', conflicts: 3 },
      'Background sync finished with problems',
      '3 new conflicts to resolve.',
    ],
    [{ trigger: 'retry', errors: 1 }, 'Background sync finished with problems', '1 change failed.'],
    [
      { trigger: 'online', conflicts: 1, errors: 2 },
      'Background sync finished with problems',
      '1 new conflict to resolve; 2 changes failed.',
    ],
    [
      { trigger: 'interval', outcome: 'auth_error' as const },
      'Sync stopped: the server refused the token',
      'Open Settings and enter a new token to go on syncing.',
    ],
    [
      {
        trigger: 'interval',
        outcome: 'failed' as const,
        lastError: { code: 'network', message: 'Nothing answers at x.', retryable: true },
      },
      'Background sync finished with problems',
      'Nothing answers at x..',
    ],
  ])('notifies for %j', (over, title, body) => {
    expect(notificationFor(run(over))).toEqual({ title, body });
  });

  it.each([
    [{ trigger: 'manual', conflicts: 5 }],
    [{ trigger: 'interval' }],
    [{ trigger: 'interval', retried: 4 }],
    [{ trigger: 'interval', conflicts: 2, finishedAt: null }],
  ])('stays quiet for %j (someone is watching, or nothing new went wrong)', (over) => {
    expect(notificationFor(run(over))).toBeNull();
  });
});

describe('window size and position', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('restores saved bounds that are on a display', () => {
    expect(
      restoreBounds({ x: 100, y: 80, width: 1200, height: 800, maximized: true }, screen),
    ).toEqual({
      bounds: { x: 100, y: 80, width: 1200, height: 800 },
      maximized: true,
    });
  });
  it('keeps the size but lets the OS place a window whose display is gone', () => {
    expect(restoreBounds({ x: 2500, y: 100, width: 1200, height: 800 }, screen)).toEqual({
      bounds: { width: 1200, height: 800 },
      maximized: false,
    });
  });
  it('a title bar above the screen is not reachable: placed by the OS', () => {
    expect(
      restoreBounds({ x: 10, y: -400, width: 1200, height: 800 }, screen).bounds.x,
    ).toBeUndefined();
  });
  it('falls back to the default size for anything unreadable', () => {
    for (const saved of [undefined, null, 'x', { x: 1 }, { x: 0, y: 0, width: 10, height: 10 }])
      expect(restoreBounds(saved, screen)).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
  });
});

describe('log file', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('appends timestamped lines and rotates at the size limit, keeping a fixed number of old files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrc-log-'));
    dirs.push(dir);
    const log = openLog(dir, { maxBytes: 200, keep: 2 });
    log.info('first line');
    expect(readFileSync(log.file, 'utf8')).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}first line\n$/,
    );
    for (let i = 0; i < 30; i++) log.warn(`line ${i} ${'x'.repeat(40)}`);
    expect(readdirSync(dir).sort()).toEqual(['console.1.log', 'console.2.log', 'console.log']);
    expect(readFileSync(log.file, 'utf8')).toContain('line 29');
    log.error('failed', new Error('boom'));
    expect(readFileSync(log.file, 'utf8')).toMatch(/ERROR failed: Error: boom/);
  });

  it('never throws when the folder is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrc-log-'));
    const log = openLog(dir);
    rmSync(dir, { recursive: true, force: true });
    expect(() => log.info('still fine')).not.toThrow();
    expect(existsSync(log.file)).toBe(false);
  });
});

describe('application menu', () => {
  const noop = () => undefined;
  const actions = {
    openSettings: noop,
    syncNow: noop,
    openLogs: noop,
    openData: noop,
    openSecurityChecklist: noop,
    checkUpdates: noop,
  };
  type Item = { role?: string; label?: string; accelerator?: string; submenu?: Item[] };
  const flat = (items: Item[]): Item[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);

  it.each(['darwin', 'win32', 'linux'] as const)(
    'on %s: the usual roles, Settings, Sync Now and the logs folder',
    (platform) => {
      const items = flat(
        menuTemplate(platform, actions, { appName: 'VRC', devTools: false }) as Item[],
      );
      const roles = items.map((i) => i.role).filter(Boolean);
      expect(roles).toEqual(
        expect.arrayContaining([
          'editMenu',
          'windowMenu',
          'togglefullscreen',
          'zoomIn',
          'zoomOut',
          'resetZoom',
          'about',
          'help',
        ]),
      );
      expect(roles).toContain(platform === 'darwin' ? 'close' : 'quit');
      expect(items.find((i) => i.label?.startsWith('Settings'))?.accelerator).toBe('CmdOrCtrl+,');
      expect(items.find((i) => i.label === 'Sync Now')?.accelerator).toBe('CmdOrCtrl+Shift+S');
      expect(items.some((i) => i.label === 'Open Logs Folder')).toBe(true);
      expect(items.some((i) => i.label === 'Check for Updates…')).toBe(true);
      expect(roles).not.toContain('toggleDevTools');
    },
  );

  it('developer tools only in development', () => {
    const items = flat(
      menuTemplate('linux', actions, { appName: 'VRC', devTools: true }) as Item[],
    );
    expect(items.map((i) => i.role)).toContain('toggleDevTools');
  });
});
