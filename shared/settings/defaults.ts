import type { Strategy } from '../resolve/types';
import { DEFAULT_STALE_CAPTURE_DAYS } from '../resolve/stale';
import { VISITOR_FIELDS } from '../visitor';
import { SETTINGS_VERSION, type FieldStrategies, type Settings } from './schema';

/**
 * Interests and notes merge well (a union of lists, both texts kept); for the
 * other fields a person decides, since either side may be the right one.
 */
const MERGE_BY_DEFAULT = new Set<string>(['interests', 'notes']);

export const DEFAULT_FIELD_STRATEGIES: FieldStrategies = Object.fromEntries(
  VISITOR_FIELDS.map((f): [string, Strategy] => [f, MERGE_BY_DEFAULT.has(f) ? 'merge' : 'manual']),
) as FieldStrategies;

/** A fresh install: the welcome screen first, then the figures measured best on this project. */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  version: SETTINGS_VERSION,
  welcomeDone: false,
  connection: { kind: 'none' },
  sync: { chunkSize: 500, autoSyncMinutes: 5 },
  backoff: { baseSeconds: 1, factor: 2, maxAttempts: 5 },
  fieldStrategies: DEFAULT_FIELD_STRATEGIES,
  conflicts: { staleCaptureDays: DEFAULT_STALE_CAPTURE_DAYS },
  tables: {},
}) as Settings;

/** A deep copy, so callers can never change the defaults by accident. */
export function defaultSettings(): Settings {
  return structuredClone(DEFAULT_SETTINGS);
}
