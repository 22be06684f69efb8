import { issueFields } from '../../../shared/errors';
import {
  SettingsPatchSchema,
  type FieldStrategies,
  type Settings,
  type SettingsPatch,
} from '../../../shared/settings/schema';

/** The Settings screen's inputs, as typed (strings until saved). */
export interface SettingsDraft {
  chunkSize: string;
  autoSyncMinutes: string;
  baseSeconds: string;
  factor: string;
  maxAttempts: string;
  staleCaptureDays: string;
  fieldStrategies: FieldStrategies;
}

export function draftOf(s: Settings): SettingsDraft {
  return {
    chunkSize: String(s.sync.chunkSize),
    autoSyncMinutes: String(s.sync.autoSyncMinutes),
    baseSeconds: String(s.backoff.baseSeconds),
    factor: String(s.backoff.factor),
    maxAttempts: String(s.backoff.maxAttempts),
    staleCaptureDays: String(s.conflicts.staleCaptureDays),
    fieldStrategies: { ...s.fieldStrategies },
  };
}

const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));

/** The patch to send, or the fields to mark (keys like "sync.chunkSize"). Pure. */
export function patchOf(
  d: SettingsDraft,
): { ok: true; patch: SettingsPatch } | { ok: false; fields: Record<string, string> } {
  const parsed = SettingsPatchSchema.safeParse({
    sync: { chunkSize: num(d.chunkSize), autoSyncMinutes: num(d.autoSyncMinutes) },
    backoff: {
      baseSeconds: num(d.baseSeconds),
      factor: num(d.factor),
      maxAttempts: num(d.maxAttempts),
    },
    fieldStrategies: d.fieldStrategies,
    conflicts: { staleCaptureDays: num(d.staleCaptureDays) },
  });
  if (!parsed.success) {
    const fields = issueFields(parsed.error);
    // NaN parses as "expected number": say what a person typed wrong instead.
    for (const [k, v] of Object.entries(fields))
      if (/expected number/i.test(v)) fields[k] = 'must be a number';
    return { ok: false, fields };
  }
  return { ok: true, patch: parsed.data };
}
