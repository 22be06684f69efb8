import type { Settings } from '../../../shared/settings';
import { DEFAULT_BACKOFF } from '../sync/backoff';
import { DEFAULT_SYNC_SETTINGS, type SyncSettings } from '../sync/engine';

/** The engine's plain settings object from the person's settings (seconds and minutes to ms). */
export function toSyncSettings(s: Settings): SyncSettings {
  return {
    ...DEFAULT_SYNC_SETTINGS,
    chunkSize: s.sync.chunkSize,
    autoSyncIntervalMs: s.sync.autoSyncMinutes * 60_000,
    backoff: {
      ...DEFAULT_BACKOFF,
      baseMs: Math.round(s.backoff.baseSeconds * 1000),
      factor: s.backoff.factor,
      maxAttempts: s.backoff.maxAttempts,
    },
  };
}
