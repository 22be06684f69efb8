import { appError, describeIssues, fail, type AppError } from '../../../shared/errors';
import {
  applyPatch,
  defaultSettings,
  loadSettings,
  type ConnectionSetting,
  type Settings,
  type SettingsPatch,
} from '../../../shared/settings';
import type { SettingsBackend } from './backend';

/** What went wrong reading the settings, for the Settings screen and the log. */
export interface SettingsProblem {
  message: string;
  /** Each setting that could not be used, and what is used instead. */
  details: string[];
  /** Where the unreadable file was copied, when it was. */
  backup: string | null;
}

/**
 * The settings as the core sees them: read once at start (parsed, migrated,
 * backed up when needed), kept in memory, written through on every change.
 */
export class SettingsService {
  private current: Settings;
  private readonly readOnly: boolean;
  private problemValue: SettingsProblem | null = null;
  private readonly listeners = new Set<(s: Settings) => void>();
  /** Log lines about what happened at load (migrations, backups); the shell writes them to its log. */
  readonly notes: string[] = [];

  constructor(
    private readonly backend: SettingsBackend,
    opts: { now?: () => Date; initialProblem?: SettingsProblem | null } = {},
  ) {
    const now = opts.now ?? (() => new Date());
    this.problemValue = opts.initialProblem ?? null;
    let raw: unknown;
    try {
      raw = backend.read();
    } catch (err) {
      // Unreadable (e.g. not JSON): keep a copy, start from defaults, say so.
      const backup = safeBackup(backend, 'unreadable', now());
      this.problemValue = {
        message: `The settings at ${backend.location} could not be read (${(err as Error).message}). Defaults are used${backup ? `; the file was copied to ${backup}` : ''}.`,
        details: [],
        backup,
      };
      this.current = defaultSettings();
      this.readOnly = false;
      this.persist();
      return;
    }
    const load = loadSettings(raw);
    this.current = load.settings;
    this.readOnly = load.readOnly;
    if (load.migratedFrom !== null)
      this.notes.push(`settings migrated from version ${load.migratedFrom}`);
    const onlyMigrationNotes =
      load.problems.length > 0 && load.problems.length === load.migrationNotes.length;
    if (onlyMigrationNotes) {
      // Every value was used, but some had to change to fit this version: say which.
      const backup = safeBackup(backend, 'before-migration', now());
      if (backup) this.notes.push(`settings before the migration kept at ${backup}`);
      const n = load.migrationNotes.length;
      this.problemValue = {
        message: `Settings from an older version of the console were converted; ${n === 1 ? 'one value' : `${n} values`} could not be kept exactly as ${n === 1 ? 'it was' : 'they were'}${backup ? ` (the file as it was is kept at ${backup})` : ''}.`,
        details: load.migrationNotes,
        backup,
      };
    } else if (load.problems.length) {
      const backup = load.backup ? safeBackup(backend, load.backup, now()) : null;
      this.problemValue = {
        message: load.readOnly
          ? load.problems[0]!
          : `Some settings at ${backend.location} could not be used and are back to their defaults${backup ? `; the file as it was is kept at ${backup}` : ''}.`,
        details: load.readOnly ? load.problems.slice(1) : load.problems,
        backup,
      };
    } else if (load.backup === 'migrated') {
      const backup = safeBackup(backend, 'before-migration', now());
      if (backup) this.notes.push(`settings before the migration kept at ${backup}`);
    }
    if (!load.fresh && (load.backup !== null || load.problems.length)) this.persist();
  }

  get(): Settings {
    return this.current;
  }

  problem(): SettingsProblem | null {
    return this.problemValue;
  }

  get location(): string {
    return this.backend.location;
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies a change from the Settings screen; an invalid one is refused with the field named. */
  update(patch: SettingsPatch): Settings {
    const next = applyPatch(this.current, patch);
    if (!next.success) fail('invalid_settings', describeIssues(next.error));
    return this.replace(next.data);
  }

  /** Back to the defaults, except the connection and the welcome flag. */
  resetPreferences(): Settings {
    const d = defaultSettings();
    return this.replace({
      ...d,
      welcomeDone: this.current.welcomeDone,
      connection: this.current.connection,
    });
  }

  setConnection(connection: ConnectionSetting, welcomeDone = true): Settings {
    return this.replace({ ...this.current, connection, welcomeDone });
  }

  private replace(next: Settings): Settings {
    this.current = next;
    this.persist();
    this.listeners.forEach((l) => l(next));
    return next;
  }

  private persist(): void {
    if (this.readOnly) return;
    try {
      this.backend.write(this.current);
    } catch (err) {
      // The change still applies for this session; the person is told it was not saved.
      this.problemValue = {
        message: `The settings could not be saved to ${this.backend.location} (${(err as Error).message}). Changes last until the console closes.`,
        details: [],
        backup: null,
      };
    }
  }
}

function safeBackup(backend: SettingsBackend, tag: string, at: Date): string | null {
  try {
    return backend.backup(tag, at);
  } catch {
    return null;
  }
}

export function settingsError(problem: SettingsProblem): AppError {
  return appError('settings_problem', problem.message, false, problem.details);
}
