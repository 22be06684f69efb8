import type { z } from 'zod';
import { defaultSettings } from './defaults';
import {
  BackoffPrefsSchema,
  ConnectionSettingSchema,
  FieldNameSchema,
  SETTINGS_VERSION,
  SettingsSchema,
  SyncPrefsSchema,
  type Settings,
} from './schema';
import { StrategySchema } from '../resolve/types';
import { TableIdSchema, TableLayoutSchema } from './table-layout';

type Obj = Record<string, unknown>;

/** One step up: takes a file of version `from` and returns it at `from + 1`. Pure. */
export interface MigrationStep {
  from: number;
  /** What changed, for the log. */
  what: string;
  /**
   * `note` is for every stored value the step could not carry over as it was
   * (changed to fit, or dropped): the person is told, never left to find out.
   */
  run(input: Obj, note: (text: string) => void): Obj;
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Version 0 is a file without a version: hand-written or from development
 * builds, in the sync engine's own names and units (chunkSize,
 * autoSyncIntervalMs, backoff.baseMs, serverUrl at the top). Version 1 groups
 * them and counts in seconds and minutes, as the Settings screen shows them.
 * Keys it does not know are carried over, so the salvage step can name them.
 */
function v0ToV1(input: Obj, note: (text: string) => void): Obj {
  const { serverUrl, chunkSize, autoSyncIntervalMs, backoff, ...rest } = input;
  const out: Obj = { ...rest, version: 1 };
  if (serverUrl !== undefined && rest.connection === undefined)
    out.connection = { kind: 'server', serverUrl };
  const sync: Obj = isObject(rest.sync) ? { ...rest.sync } : {};
  if (chunkSize !== undefined) sync.chunkSize = chunkSize;
  if (typeof autoSyncIntervalMs === 'number' && autoSyncIntervalMs >= 0) {
    const minutes = autoSyncMinutesOf(autoSyncIntervalMs);
    sync.autoSyncMinutes = minutes;
    if (autoSyncIntervalMs > 0 && minutes * 60_000 !== autoSyncIntervalMs)
      note(
        `sync.autoSyncMinutes: background syncs were every ${seconds(autoSyncIntervalMs)}; this version counts whole minutes, so they are now every ${plural(minutes, 'minute')}${autoSyncIntervalMs < 60_000 ? ' (the shortest interval)' : ''}.`,
      );
  } else if (typeof autoSyncIntervalMs === 'number')
    // Negative: not an interval; salvage names it and uses the default.
    sync.autoSyncMinutes = autoSyncIntervalMs / 60_000;
  else if (autoSyncIntervalMs !== undefined) sync.autoSyncMinutes = autoSyncIntervalMs;
  if (Object.keys(sync).length) out.sync = sync;
  if (isObject(backoff)) {
    const { baseMs, jitter, ...b } = backoff;
    if (jitter !== undefined)
      note(
        `backoff.jitter: is no longer a setting (found ${show(jitter)}; left out): the console spreads retries by its own fixed amount.`,
      );
    out.backoff = typeof baseMs === 'number' ? { ...b, baseSeconds: baseMs / 1000 } : b;
  } else if (backoff !== undefined) out.backoff = backoff;
  return out;
}

/**
 * Version 1 counts background syncs in whole minutes (0 = off). A positive
 * interval never becomes "off": it rounds up, to at least one minute.
 */
export function autoSyncMinutesOf(intervalMs: number): number {
  return intervalMs > 0 ? Math.max(1, Math.ceil(intervalMs / 60_000)) : 0;
}

const seconds = (ms: number): string =>
  ms % 60_000 === 0 ? plural(ms / 60_000, 'minute') : plural(ms / 1000, 'second');
const plural = (n: number, word: string): string =>
  `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export const MIGRATIONS: readonly MigrationStep[] = [
  {
    from: 0,
    what: 'grouped sync and retry settings, in seconds and minutes',
    run: v0ToV1,
  },
];

export type MigrateResult =
  | {
      ok: true;
      value: Obj;
      from: number;
      applied: string[];
      /** Each stored value a step changed to fit or dropped, in words. */
      notes: string[];
    }
  | { ok: false; reason: 'not_an_object' | 'bad_version' | 'newer' | 'no_step'; from?: number };

/**
 * Brings a stored object up to `target` one step at a time. A file without a
 * version is version 0. Never guesses: a version it has no step for, or a
 * newer one, is reported, not coerced.
 */
export function migrate(
  raw: unknown,
  steps: readonly MigrationStep[] = MIGRATIONS,
  target = SETTINGS_VERSION,
): MigrateResult {
  if (!isObject(raw)) return { ok: false, reason: 'not_an_object' };
  const version = raw.version ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0)
    return { ok: false, reason: 'bad_version' };
  if (version > target) return { ok: false, reason: 'newer', from: version };
  let value: Obj = { ...raw };
  const applied: string[] = [];
  const notes: string[] = [];
  for (let v = version; v < target; v++) {
    const step = steps.find((s) => s.from === v);
    if (!step) return { ok: false, reason: 'no_step', from: v };
    value = step.run(value, (text) => notes.push(text));
    if (value.version !== v + 1) value = { ...value, version: v + 1 };
    applied.push(`${v} → ${v + 1}: ${step.what}`);
  }
  return { ok: true, value, from: version, applied, notes };
}

export interface SettingsLoad {
  settings: Settings;
  /** Nothing was stored yet: a fresh install. */
  fresh: boolean;
  /** The version the stored file had, when a migration ran. */
  migratedFrom: number | null;
  /**
   * Each: where, what was wrong, and what is used instead. Empty when the file
   * was fine. The migration's notes (values it changed to fit or dropped) come
   * first; they are also in `migrationNotes`.
   */
  problems: string[];
  /** What a migration could not carry over as it was (a subset of `problems`). */
  migrationNotes: string[];
  /**
   * Copy the stored file aside before writing: it had problems (the copy keeps
   * what was dropped) or was of an older version (the copy allows going back).
   */
  backup: 'invalid' | 'migrated' | null;
  /** Written by a newer console: used as far as understood, never overwritten. */
  readOnly: boolean;
}

const show = (v: unknown): string => {
  // A password in an address (http://user:secret@host) is named, never repeated.
  const s = JSON.stringify(v)?.replace(/\/\/[^/@\s"]*@/g, '//…@');
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

/** The first issue of a failed parse, in words. */
const firstIssue = (e: z.ZodError): string => e.issues[0]?.message ?? 'is not valid';

/**
 * Reads whatever was stored into valid settings. Pure: the caller does the
 * file work (and the backup the result asks for). A bad value never throws
 * the whole file away: each setting that cannot be used falls back to its
 * default, and the problem says which, why and what was used instead.
 */
export function loadSettings(raw: unknown): SettingsLoad {
  const defaults = defaultSettings();
  if (raw === undefined || (isObject(raw) && Object.keys(raw).length === 0)) {
    return {
      settings: defaults,
      fresh: true,
      migratedFrom: null,
      problems: [],
      migrationNotes: [],
      backup: null,
      readOnly: false,
    };
  }
  const migrated = migrate(raw);
  if (!migrated.ok) {
    if (migrated.reason === 'newer' && isObject(raw)) {
      const problems: string[] = [];
      const settings = salvage(raw, defaults, []);
      problems.push(
        `The settings were written by a newer version of the console (settings version ${migrated.from}; this one reads up to ${SETTINGS_VERSION}). What this version understands is used; changes last for this session only and the file is left as it is. Update the console to keep changes.`,
      );
      return {
        settings,
        fresh: false,
        migratedFrom: null,
        problems,
        migrationNotes: [],
        backup: null,
        readOnly: true,
      };
    }
    const why =
      migrated.reason === 'not_an_object'
        ? `The settings file does not hold a group of settings (found ${show(raw)})`
        : migrated.reason === 'bad_version'
          ? `version: must be a whole number (found ${show((raw as Obj).version)})`
          : `version: no way to read settings version ${migrated.from}`;
    return {
      settings: defaults,
      fresh: false,
      migratedFrom: null,
      problems: [`${why}; every setting is back to its default.`],
      migrationNotes: [],
      backup: 'invalid',
      readOnly: false,
    };
  }
  const problems: string[] = [];
  const settings = salvage(migrated.value, defaults, problems);
  return {
    settings,
    fresh: false,
    migratedFrom: migrated.applied.length ? migrated.from : null,
    problems: [...migrated.notes, ...problems],
    migrationNotes: migrated.notes,
    // The old file is kept either way: as invalid when a value could not be used at all.
    backup: problems.length ? 'invalid' : migrated.applied.length ? 'migrated' : null,
    readOnly: false,
  };
}

/** Every setting that parses is kept; every other one is its default, with a problem naming it. */
function salvage(value: Obj, defaults: Settings, problems: string[]): Settings {
  const out = defaultSettings();
  const known = new Set(Object.keys(SettingsSchema.shape));
  for (const key of Object.keys(value)) {
    if (!known.has(key)) problems.push(`${key}: is not a setting of this console (left out).`);
  }
  if (value.welcomeDone !== undefined) {
    if (typeof value.welcomeDone === 'boolean') out.welcomeDone = value.welcomeDone;
    else problems.push(`welcomeDone: must be true or false (found ${show(value.welcomeDone)}).`);
  }
  if (value.connection !== undefined) {
    const c = ConnectionSettingSchema.safeParse(value.connection);
    if (c.success) out.connection = c.data;
    else
      problems.push(
        `connection: ${firstIssue(c.error)} (found ${show(value.connection)}; no server is set up).`,
      );
  }
  out.sync = section('sync', SyncPrefsSchema, defaults.sync, value.sync, problems);
  out.backoff = section('backoff', BackoffPrefsSchema, defaults.backoff, value.backoff, problems);
  if (value.fieldStrategies !== undefined) {
    if (!isObject(value.fieldStrategies)) {
      problems.push(`fieldStrategies: must be a group of settings (using the defaults).`);
    } else {
      for (const [field, strategy] of Object.entries(value.fieldStrategies)) {
        const f = FieldNameSchema.safeParse(field);
        const s = StrategySchema.safeParse(strategy);
        if (!f.success)
          problems.push(`fieldStrategies.${field}: is not a visitor field (left out).`);
        else if (!s.success)
          problems.push(
            `fieldStrategies.${field}: must be one of ${StrategySchema.options.join(', ')} (found ${show(strategy)}; using ${defaults.fieldStrategies[f.data]}).`,
          );
        else out.fieldStrategies[f.data] = s.data;
      }
    }
  }
  if (value.tables !== undefined) {
    if (!isObject(value.tables)) {
      problems.push(
        `tables: must be a group of table layouts (the tables show their default columns).`,
      );
    } else {
      for (const [id, layout] of Object.entries(value.tables)) {
        const t = TableIdSchema.safeParse(id);
        const l = TableLayoutSchema.safeParse(layout);
        if (!t.success) problems.push(`tables.${id}: is not a table of this console (left out).`);
        else if (!l.success)
          problems.push(
            `tables.${id}: ${firstIssue(l.error)} (the table shows its default columns).`,
          );
        else out.tables[t.data] = l.data;
      }
    }
  }
  // The whole result is parsed once more, so a mistake here cannot leak an invalid setting.
  return SettingsSchema.parse(out);
}

function section<S extends z.ZodObject>(
  name: string,
  schema: S,
  defaults: z.output<S>,
  value: unknown,
  problems: string[],
): z.output<S> {
  if (value === undefined) return defaults;
  if (!isObject(value)) {
    problems.push(
      `${name}: must be a group of settings (found ${show(value)}; using the defaults).`,
    );
    return defaults;
  }
  const out: Obj = { ...defaults };
  for (const [key, v] of Object.entries(value)) {
    // Own keys only: a parsed "__proto__" must not find Object.prototype here.
    const shape = schema.shape as Record<string, z.ZodType>;
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!field) {
      problems.push(`${name}.${key}: is not a setting of this console (left out).`);
      continue;
    }
    const parsed = field.safeParse(v);
    if (parsed.success) out[key] = parsed.data;
    else
      problems.push(
        `${name}.${key}: ${firstIssue(parsed.error)} (found ${show(v)}; using ${show((defaults as Obj)[key])}).`,
      );
  }
  return out as z.output<S>;
}

/** The patch applied to the settings; the result is parsed, so an invalid patch is refused, not stored. */
export function applyPatch(
  settings: Settings,
  patch: {
    sync?: Partial<Settings['sync']> | undefined;
    backoff?: Partial<Settings['backoff']> | undefined;
    fieldStrategies?: Partial<Settings['fieldStrategies']> | undefined;
    conflicts?: Partial<Settings['conflicts']> | undefined;
    tables?: Settings['tables'] | undefined;
  },
) {
  return SettingsSchema.safeParse({
    ...settings,
    sync: { ...settings.sync, ...patch.sync },
    backoff: { ...settings.backoff, ...patch.backoff },
    fieldStrategies: { ...settings.fieldStrategies, ...patch.fieldStrategies },
    conflicts: { ...settings.conflicts, ...patch.conflicts },
    tables: { ...settings.tables, ...patch.tables },
  });
}
