import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  SETTINGS_VERSION,
  SettingsPatchSchema,
  SettingsSchema,
  applyPatch,
  defaultSettings,
} from '../../shared/settings';
import { VISITOR_FIELDS } from '../../shared/visitor';
import { toSyncSettings } from '../../electron/core/settings/sync-settings';
import { DEFAULT_SYNC_SETTINGS } from '../../electron/core/sync/engine';

describe('settings schema and defaults', () => {
  it('the defaults are valid settings of the current version', () => {
    expect(SettingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.version).toBe(SETTINGS_VERSION);
  });

  it('a fresh install starts on the welcome screen, with no server and no token field at all', () => {
    const d = defaultSettings();
    expect(d.welcomeDone).toBe(false);
    expect(d.connection).toEqual({ kind: 'none' });
    expect(JSON.stringify(d)).not.toMatch(/token/i);
  });

  it('the sync defaults are the engine’s measured ones (chunk 500; 1 s doubling, 5 attempts)', () => {
    const s = toSyncSettings(defaultSettings());
    expect(s.chunkSize).toBe(DEFAULT_SYNC_SETTINGS.chunkSize);
    expect(s.backoff).toEqual(DEFAULT_SYNC_SETTINGS.backoff);
    expect(s.autoSyncIntervalMs).toBe(5 * 60_000);
  });

  it('converts seconds and minutes to the engine’s milliseconds', () => {
    const s = toSyncSettings({
      ...defaultSettings(),
      sync: { chunkSize: 50, autoSyncMinutes: 0 },
      backoff: { baseSeconds: 0.25, factor: 3, maxAttempts: 9 },
    });
    expect(s).toMatchObject({
      chunkSize: 50,
      autoSyncIntervalMs: 0,
      backoff: { baseMs: 250, factor: 3, maxAttempts: 9 },
    });
  });

  it('has a default strategy for every visitor field: merge for lists and notes, ask for the rest', () => {
    const d = defaultSettings();
    expect(Object.keys(d.fieldStrategies).sort()).toEqual([...VISITOR_FIELDS].sort());
    expect(d.fieldStrategies.interests).toBe('merge');
    expect(d.fieldStrategies.notes).toBe('merge');
    expect(d.fieldStrategies.email).toBe('manual');
  });

  it('defaultSettings() hands out copies: changing one never changes the defaults', () => {
    const a = defaultSettings();
    a.sync.chunkSize = 1;
    a.fieldStrategies.name = 'client_wins';
    expect(defaultSettings().sync.chunkSize).toBe(500);
    expect(DEFAULT_SETTINGS.fieldStrategies.name).toBe('manual');
  });

  it.each([
    [{ sync: { chunkSize: 0 } }, 'sync.chunkSize', 'must be at least 1'],
    [{ sync: { chunkSize: 1001 } }, 'sync.chunkSize', 'must be at most 1000'],
    [{ sync: { chunkSize: 2.5 } }, 'sync.chunkSize', 'must be a whole number'],
    [{ sync: { autoSyncMinutes: -1 } }, 'sync.autoSyncMinutes', 'must be 0 (off) or more'],
    [{ backoff: { baseSeconds: 0 } }, 'backoff.baseSeconds', 'must be at least 0.1'],
    [{ backoff: { factor: 0.5 } }, 'backoff.factor', 'must be at least 1'],
    [{ backoff: { maxAttempts: 101 } }, 'backoff.maxAttempts', 'must be at most 100'],
  ])('refuses %j, naming %s', (patch, path, message) => {
    const r = SettingsPatchSchema.safeParse(patch);
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues[0]!.path.join('.')).toBe(path);
      expect(r.error.issues[0]!.message).toBe(message);
    }
  });

  it('a patch can change neither the connection nor the welcome flag, nor add unknown settings', () => {
    expect(SettingsPatchSchema.safeParse({ connection: { kind: 'demo' } }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ welcomeDone: true }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ sync: { speed: 9 } }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ fieldStrategies: { nickname: 'merge' } }).success).toBe(
      false,
    );
  });

  it('applyPatch changes only what the patch names', () => {
    const r = applyPatch(defaultSettings(), {
      sync: { chunkSize: 200 },
      fieldStrategies: { phone: 'server_wins' },
    });
    expect(r.success && r.data).toEqual({
      ...defaultSettings(),
      sync: { chunkSize: 200, autoSyncMinutes: 5 },
      fieldStrategies: { ...defaultSettings().fieldStrategies, phone: 'server_wins' },
    });
  });

  it('the connection is a server address (http or https), the demo, or none', () => {
    const ok = (connection: unknown) =>
      SettingsSchema.safeParse({ ...defaultSettings(), connection }).success;
    expect(ok({ kind: 'server', serverUrl: 'https://sync.example.com' })).toBe(true);
    expect(ok({ kind: 'server', serverUrl: 'file:///etc/passwd' })).toBe(false);
    expect(ok({ kind: 'server' })).toBe(false);
    expect(ok({ kind: 'demo' })).toBe(true);
    expect(ok({ kind: 'demo', serverUrl: 'http://x' })).toBe(false);
  });
});
