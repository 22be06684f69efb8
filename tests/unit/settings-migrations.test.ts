import { describe, expect, it } from 'vitest';
import {
  MIGRATIONS,
  SETTINGS_VERSION,
  defaultSettings,
  loadSettings,
  migrate,
  type MigrationStep,
} from '../../shared/settings';

describe('migrate', () => {
  const chain: MigrationStep[] = [
    { from: 0, what: 'a', run: (v) => ({ ...v, a: 1 }) },
    { from: 1, what: 'b', run: (v) => ({ ...v, b: (v.a as number) + 1 }) },
    { from: 2, what: 'c', run: (v) => ({ ...v, c: (v.b as number) + 1, version: 3 }) },
  ];

  it('runs every step from the stored version, in order, each seeing the one before', () => {
    expect(migrate({}, chain, 3)).toEqual({
      ok: true,
      value: { a: 1, b: 2, c: 3, version: 3 },
      from: 0,
      applied: ['0 → 1: a', '1 → 2: b', '2 → 3: c'],
      notes: [],
    });
    expect(migrate({ version: 2, b: 10 }, chain, 3)).toMatchObject({
      ok: true,
      value: { version: 3, b: 10, c: 11 },
      from: 2,
    });
  });

  it('does nothing to a file already at the target version', () => {
    expect(migrate({ version: 3, x: 1 }, chain, 3)).toEqual({
      ok: true,
      value: { version: 3, x: 1 },
      from: 3,
      applied: [],
      notes: [],
    });
  });

  it('reports, never coerces: newer, malformed versions, missing steps, non-objects', () => {
    expect(migrate({ version: 4 }, chain, 3)).toEqual({ ok: false, reason: 'newer', from: 4 });
    expect(migrate({ version: '2' }, chain, 3)).toEqual({ ok: false, reason: 'bad_version' });
    expect(migrate({ version: 1.5 }, chain, 3)).toEqual({ ok: false, reason: 'bad_version' });
    expect(migrate({ version: -1 }, chain, 3)).toEqual({ ok: false, reason: 'bad_version' });
    expect(migrate({}, chain.slice(1), 3)).toEqual({ ok: false, reason: 'no_step', from: 0 });
    expect(migrate([], chain, 3)).toEqual({ ok: false, reason: 'not_an_object' });
    expect(migrate(null, chain, 3)).toEqual({ ok: false, reason: 'not_an_object' });
  });

  it('the real steps reach the current version', () => {
    for (let v = 0; v < SETTINGS_VERSION; v++)
      expect(
        MIGRATIONS.some((s) => s.from === v),
        `a step from version ${v}`,
      ).toBe(true);
  });
});

describe('loadSettings', () => {
  it('nothing stored: a fresh install, defaults, nothing to back up', () => {
    for (const raw of [undefined, {}])
      expect(loadSettings(raw)).toEqual({
        settings: defaultSettings(),
        fresh: true,
        migratedFrom: null,
        problems: [],
        migrationNotes: [],
        backup: null,
        readOnly: false,
      });
  });

  it('a valid current file is read as it is', () => {
    const stored = {
      ...defaultSettings(),
      welcomeDone: true,
      connection: { kind: 'server', serverUrl: 'https://sync.example.com' },
    };
    expect(loadSettings(stored)).toEqual({
      settings: stored,
      fresh: false,
      migratedFrom: null,
      problems: [],
      migrationNotes: [],
      backup: null,
      readOnly: false,
    });
  });

  it('migrates an unversioned file in the engine’s units (v0 → v1) and asks for a backup of the old one', () => {
    const r = loadSettings({
      serverUrl: 'http://10.0.0.5:8787',
      chunkSize: 250,
      autoSyncIntervalMs: 600_000,
      backoff: { baseMs: 2500, factor: 3, maxAttempts: 7, jitter: 0.2 },
      welcomeDone: true,
    });
    // Every value is kept but the jitter, which version 1 has no setting for: said, not silent.
    const jitterNote =
      'backoff.jitter: is no longer a setting (found 0.2; left out): the console spreads retries by its own fixed amount.';
    expect(r.problems).toEqual([jitterNote]);
    expect(r.migrationNotes).toEqual([jitterNote]);
    expect(r.migratedFrom).toBe(0);
    expect(r.backup).toBe('migrated');
    expect(r.settings).toEqual({
      ...defaultSettings(),
      welcomeDone: true,
      connection: { kind: 'server', serverUrl: 'http://10.0.0.5:8787' },
      sync: { chunkSize: 250, autoSyncMinutes: 10 },
      backoff: { baseSeconds: 2.5, factor: 3, maxAttempts: 7 },
    });
  });

  it('a v0 auto-sync interval under 30 s does not silently become "off"', () => {
    const load = loadSettings({ autoSyncIntervalMs: 20_000 });
    // 0 means "background syncs off": the person had them every 20 s.
    const kept = load.settings.sync.autoSyncMinutes > 0 || load.problems.length > 0;
    expect({ autoSyncMinutes: load.settings.sync.autoSyncMinutes, kept }).toMatchObject({
      kept: true,
    });
    // Rounded up to the shortest interval there is, and said so; the old file is kept.
    expect(load.settings.sync.autoSyncMinutes).toBe(1);
    expect(load.problems).toEqual([
      'sync.autoSyncMinutes: background syncs were every 20 seconds; this version counts whole minutes, so they are now every 1 minute (the shortest interval).',
    ]);
    expect(load.backup).toBe('migrated');
  });

  it('v0 intervals: whole minutes kept silently, others rounded up with a note, 0 stays off', () => {
    const minutes = (ms: number) => loadSettings({ autoSyncIntervalMs: ms });
    expect(minutes(300_000)).toMatchObject({
      settings: { sync: { autoSyncMinutes: 5 } },
      problems: [],
    });
    expect(minutes(0)).toMatchObject({ settings: { sync: { autoSyncMinutes: 0 } }, problems: [] });
    expect(minutes(90_000)).toMatchObject({
      settings: { sync: { autoSyncMinutes: 2 } },
      problems: [
        'sync.autoSyncMinutes: background syncs were every 90 seconds; this version counts whole minutes, so they are now every 2 minutes.',
      ],
    });
    // not an interval at all: named, and the default used, as for any bad value
    expect(minutes(-5)).toMatchObject({
      settings: { sync: { autoSyncMinutes: defaultSettings().sync.autoSyncMinutes } },
      backup: 'invalid',
    });
  });

  it('keeps every good setting and names each bad one with what is used instead', () => {
    const r = loadSettings({
      version: 1,
      welcomeDone: 'yes',
      connection: { kind: 'server', serverUrl: 'not a url' },
      sync: { chunkSize: 5000, autoSyncMinutes: 15, turbo: true },
      backoff: { baseSeconds: 3, factor: 'fast', maxAttempts: 4 },
      fieldStrategies: { title: 'client_wins', phone: 'coin_flip', nickname: 'merge' },
      theme: 'dark',
    });
    expect(r.backup).toBe('invalid');
    expect(r.readOnly).toBe(false);
    expect(r.settings).toEqual({
      ...defaultSettings(),
      sync: { chunkSize: 500, autoSyncMinutes: 15 },
      backoff: { baseSeconds: 3, factor: 2, maxAttempts: 4 },
      fieldStrategies: { ...defaultSettings().fieldStrategies, title: 'client_wins' },
    });
    expect(r.problems).toEqual([
      'theme: is not a setting of this console (left out).',
      'welcomeDone: must be true or false (found "yes").',
      'connection: must be an http:// or https:// address (found {"kind":"server","serverUrl":"not a url"}; no server is set up).',
      'sync.chunkSize: must be at most 1000 (found 5000; using 500).',
      'sync.turbo: is not a setting of this console (left out).',
      'backoff.factor: Invalid input: expected number, received string (found "fast"; using 2).',
      'fieldStrategies.phone: must be one of server_wins, client_wins, merge, manual (found "coin_flip"; using manual).',
      'fieldStrategies.nickname: is not a visitor field (left out).',
    ]);
  });

  it('a section that is not a group falls back whole, and says so', () => {
    const r = loadSettings({ version: 1, sync: 42, fieldStrategies: 'merge' });
    expect(r.settings.sync).toEqual(defaultSettings().sync);
    expect(r.problems).toEqual([
      'sync: must be a group of settings (found 42; using the defaults).',
      'fieldStrategies: must be a group of settings (using the defaults).',
    ]);
  });

  it('a file that is not an object, or has a broken version, is replaced by defaults after a backup', () => {
    for (const [raw, words] of [
      [[1, 2], 'does not hold a group of settings'],
      ['hello', 'does not hold a group of settings'],
      [{ version: 'one' }, 'version: must be a whole number (found "one")'],
    ] as const) {
      const r = loadSettings(raw);
      expect(r.settings).toEqual(defaultSettings());
      expect(r.backup).toBe('invalid');
      expect(r.problems[0]).toContain(words);
      expect(r.problems[0]).toContain('every setting is back to its default');
    }
  });

  it('a file from a newer console is read as far as understood and never overwritten', () => {
    const r = loadSettings({
      version: SETTINGS_VERSION + 1,
      welcomeDone: true,
      connection: { kind: 'demo' },
      sync: { chunkSize: 300, autoSyncMinutes: 5 },
      hologram: { on: true },
    });
    expect(r.readOnly).toBe(true);
    expect(r.backup).toBeNull();
    expect(r.settings).toMatchObject({
      welcomeDone: true,
      connection: { kind: 'demo' },
      sync: { chunkSize: 300 },
    });
    expect(r.problems).toEqual([
      expect.stringContaining(
        `written by a newer version of the console (settings version ${SETTINGS_VERSION + 1}; this one reads up to ${SETTINGS_VERSION})`,
      ),
    ]);
  });

  it('prototype keys in a parsed file are named and dropped, never merged', () => {
    const raw = JSON.parse(
      '{"version":1,"__proto__":{"polluted":true},"sync":{"__proto__":{"x":1}}}',
    );
    const r = loadSettings(raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.problems).toEqual([
      '__proto__: is not a setting of this console (left out).',
      'sync.__proto__: is not a setting of this console (left out).',
    ]);
    expect(r.settings.sync).toEqual(defaultSettings().sync);
  });
});
