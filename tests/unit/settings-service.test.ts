import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings, SETTINGS_VERSION } from '../../shared/settings';
import { memoryBackend, storeBackend, type StoreLike } from '../../electron/core/settings/backend';
import { SettingsService } from '../../electron/core/settings/settings-service';
import { TokenVault, type Cipher } from '../../electron/core/settings/token-vault';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'vrc-settings-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What electron-store does with its file: read and parse on every access, write whole. */
function fileStore(path: string): StoreLike {
  return {
    path,
    get store() {
      return existsSync(path)
        ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)
        : {};
    },
    set store(v) {
      writeFileSync(path, JSON.stringify(v, null, '\t'));
    },
  };
}

const AT = () => new Date('2026-01-02T03:04:05.000Z');

describe('SettingsService', () => {
  it('a fresh install reads defaults and writes nothing until something changes', () => {
    const b = memoryBackend();
    const s = new SettingsService(b);
    expect(s.get()).toEqual(defaultSettings());
    expect(s.problem()).toBeNull();
    expect(b.current()).toBeUndefined();
    s.update({ sync: { chunkSize: 100 } });
    expect(b.current()).toMatchObject({ version: SETTINGS_VERSION, sync: { chunkSize: 100 } });
  });

  it('refuses an invalid change with the setting named, and keeps the old value', () => {
    const s = new SettingsService(memoryBackend());
    expect(() => s.update({ backoff: { maxAttempts: 0 } })).toThrow(
      'backoff.maxAttempts: must be at least 1',
    );
    expect(s.get().backoff.maxAttempts).toBe(5);
  });

  it('tells listeners about changes; reset keeps the connection', () => {
    const s = new SettingsService(memoryBackend());
    const seen: number[] = [];
    s.onChange((v) => seen.push(v.sync.chunkSize));
    s.setConnection({ kind: 'server', serverUrl: 'https://sync.example.com' });
    s.update({ sync: { chunkSize: 42 } });
    s.resetPreferences();
    expect(seen).toEqual([500, 42, 500]);
    expect(s.get().connection).toEqual({ kind: 'server', serverUrl: 'https://sync.example.com' });
    expect(s.get().welcomeDone).toBe(true);
  });

  it('a partly bad file: good settings kept, the file copied aside as it was, the clean one written, the problem in words', () => {
    const dir = tmp();
    const path = join(dir, 'settings.json');
    const original = JSON.stringify({
      version: 1,
      welcomeDone: true,
      sync: { chunkSize: -3, autoSyncMinutes: 30 },
    });
    writeFileSync(path, original);
    const s = new SettingsService(storeBackend(fileStore(path)), { now: AT });
    expect(s.get().sync).toEqual({ chunkSize: 500, autoSyncMinutes: 30 });
    expect(s.get().welcomeDone).toBe(true);
    const p = s.problem()!;
    const backup = `${path}.invalid-2026-01-02T03-04-05-000Z.bak`;
    expect(p.backup).toBe(backup);
    expect(p.message).toBe(
      `Some settings at ${path} could not be used and are back to their defaults; the file as it was is kept at ${backup}.`,
    );
    expect(p.details).toEqual(['sync.chunkSize: must be at least 1 (found -3; using 500).']);
    // Nothing lost: the copy is the file as it was; the file now holds valid settings.
    expect(readFileSync(backup, 'utf8')).toBe(original);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(s.get());
  });

  it('a file that is not JSON: copied aside, defaults used, the reason given', () => {
    const dir = tmp();
    const path = join(dir, 'settings.json');
    writeFileSync(path, '{"version": 1, "sync": ');
    const s = new SettingsService(storeBackend(fileStore(path)), { now: AT });
    expect(s.get()).toEqual(defaultSettings());
    expect(s.problem()!.message).toMatch(
      new RegExp(
        `^The settings at ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} could not be read \\(.*JSON.*\\)\\. Defaults are used; the file was copied to .*unreadable-2026-01-02T03-04-05-000Z\\.bak\\.$`,
      ),
    );
    expect(readdirSync(dir).sort()).toEqual([
      'settings.json',
      'settings.json.unreadable-2026-01-02T03-04-05-000Z.bak',
    ]);
  });

  it('an older file is migrated, the old one kept, and no problem shown', () => {
    const dir = tmp();
    const path = join(dir, 'settings.json');
    writeFileSync(path, JSON.stringify({ chunkSize: 300, welcomeDone: true }));
    const s = new SettingsService(storeBackend(fileStore(path)), { now: AT });
    expect(s.problem()).toBeNull();
    expect(s.get().sync.chunkSize).toBe(300);
    expect(s.notes).toEqual([
      'settings migrated from version 0',
      `settings before the migration kept at ${path}.before-migration-2026-01-02T03-04-05-000Z.bak`,
    ]);
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(SETTINGS_VERSION);
  });

  it('an older file whose values had to change to fit is migrated, kept, and the change shown', () => {
    const dir = tmp();
    const path = join(dir, 'settings.json');
    writeFileSync(path, JSON.stringify({ autoSyncIntervalMs: 20_000, welcomeDone: true }));
    const s = new SettingsService(storeBackend(fileStore(path)), { now: AT });
    const backup = `${path}.before-migration-2026-01-02T03-04-05-000Z.bak`;
    expect(s.get().sync.autoSyncMinutes).toBe(1);
    expect(s.problem()).toEqual({
      message: `Settings from an older version of the console were converted; one value could not be kept exactly as it was (the file as it was is kept at ${backup}).`,
      details: [
        'sync.autoSyncMinutes: background syncs were every 20 seconds; this version counts whole minutes, so they are now every 1 minute (the shortest interval).',
      ],
      backup,
    });
    expect(JSON.parse(readFileSync(backup, 'utf8'))).toEqual({
      autoSyncIntervalMs: 20_000,
      welcomeDone: true,
    });
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(SETTINGS_VERSION);
  });

  it('a newer console’s file is never written to', () => {
    const dir = tmp();
    const path = join(dir, 'settings.json');
    const newer = JSON.stringify({ version: SETTINGS_VERSION + 1, welcomeDone: true, future: 1 });
    writeFileSync(path, newer);
    const s = new SettingsService(storeBackend(fileStore(path)));
    s.update({ sync: { chunkSize: 10 } });
    expect(s.get().sync.chunkSize).toBe(10);
    expect(readFileSync(path, 'utf8')).toBe(newer);
    expect(s.problem()!.message).toContain('written by a newer version of the console');
  });

  it('a write that fails keeps the change for the session and says it was not saved', () => {
    const backend = {
      ...memoryBackend(),
      write: () => {
        throw new Error('EACCES: permission denied');
      },
    };
    const s = new SettingsService(backend);
    s.update({ sync: { chunkSize: 7 } });
    expect(s.get().sync.chunkSize).toBe(7);
    expect(s.problem()!.message).toBe(
      'The settings could not be saved to memory (EACCES: permission denied). Changes last until the console closes.',
    );
  });
});

/** A real cipher standing in for the OS keychain: AES-256-GCM with a key only this test knows. */
function aes(available = true): Cipher {
  const key = randomBytes(32);
  return {
    status: () =>
      available ? { available: true } : { available: false, reason: 'No keyring is running.' },
    async encrypt(text) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    async decrypt(data) {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

describe('TokenVault', () => {
  const TOKEN = 'staff-token-7f3a9c-secret';

  it('with the OS’s encryption: only ciphertext on disk, owner-only, read back by a new session', async () => {
    const file = join(tmp(), 'token.enc');
    const cipher = aes();
    expect(await new TokenVault({ cipher, file }).save(TOKEN)).toEqual({ kind: 'encrypted' });
    const onDisk = readFileSync(file);
    expect(onDisk.includes(Buffer.from(TOKEN))).toBe(false);
    expect(onDisk.toString('base64')).not.toContain(Buffer.from(TOKEN).toString('base64'));
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await new TokenVault({ cipher, file }).load()).toBe(TOKEN);
  });

  it('without it: says why, keeps the token for the session only, writes nothing', async () => {
    const dir = tmp();
    const file = join(dir, 'token.enc');
    const vault = new TokenVault({ cipher: aes(false), file });
    expect(await vault.save(TOKEN)).toEqual({ kind: 'session', reason: 'No keyring is running.' });
    expect(await vault.load()).toBe(TOKEN);
    expect(readdirSync(dir)).toEqual([]);
    expect(await new TokenVault({ cipher: aes(false), file }).load()).toBeNull();
    expect(new TokenVault({ cipher: null, file: null }).storage()).toEqual({
      kind: 'session',
      reason: 'This console has no access to the system keychain.',
    });
  });

  it('a token another key encrypted (keychain changed) is not read, and the reason is given', async () => {
    const file = join(tmp(), 'token.enc');
    await new TokenVault({ cipher: aes(), file }).save(TOKEN);
    const other = new TokenVault({ cipher: aes(), file });
    expect(await other.load()).toBeNull();
    expect(other.problem()).toContain('could not be decrypted');
  });

  it('clear forgets the token in memory and on disk', async () => {
    const file = join(tmp(), 'token.enc');
    const vault = new TokenVault({ cipher: aes(), file });
    await vault.save(TOKEN);
    vault.clear();
    expect(existsSync(file)).toBe(false);
    expect(await vault.load()).toBeNull();
  });
});
