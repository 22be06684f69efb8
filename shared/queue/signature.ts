import { classify, effectiveError, gaveUp, type ErrorClass } from './classify';
import type { AppError } from '../errors';

/**
 * The error signature groups failures that are the same problem: class, code
 * and the message with what varies per record (ids, numbers, quoted values,
 * timestamps) taken out. "312 failed: email is not valid" is one group.
 */

const PATTERNS: readonly [RegExp, string][] = [
  // ISO timestamps before numbers, or they would become "#-#-#T#:#"
  [/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  // long hex or mixed letter-digit tokens: opIds, local ids, hashes
  [/\b(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z])[A-Za-z0-9_-]{12,}\b/g, '<id>'],
  [/"[^"]*"/g, '"…"'],
  [/'[^']*'/g, "'…'"],
  [/\d+(?:[.,]\d+)*/g, '#'],
];

export function normalizeMessage(message: string): string {
  let out = message;
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out.replace(/\s+/g, ' ').trim();
}

export interface Signature {
  cls: ErrorClass;
  /** The deciding error's code, prefixed when the attempts ran out: "max_attempts:server". */
  code: string;
  message: string;
  /** The group's key: class, code and normalised message. */
  key: string;
}

type ErrorLike = Pick<AppError, 'code' | 'message'> & { retryable?: boolean; details?: unknown };

export function errorSignature(error: ErrorLike | null): Signature {
  const cls = classify(error);
  if (!error) return { cls, code: 'none', message: '', key: `${cls}|none|` };
  const inner = effectiveError(error);
  const code = gaveUp(error) && inner !== error ? `max_attempts:${inner.code}` : inner.code;
  const message = normalizeMessage(inner.message);
  return { cls, code, message, key: `${cls}|${code}|${message}` };
}
