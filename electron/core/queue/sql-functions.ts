import { AppErrorSchema, type AppError } from '../../../shared/errors';
import { gaveUp } from '../../../shared/queue/classify';
import { errorSignature, type Signature } from '../../../shared/queue/signature';
import type { Db } from '../db/open';

/**
 * The queue filters and groups in SQLite by error class and signature, which
 * are decided by pure TypeScript (shared/queue). Registering those functions on
 * the connection keeps one definition: SQL calls the very code the tests cover.
 * Only this process's connection has them, so they appear in queries, never in
 * the schema (a trigger or index using them would break the CLI's connection).
 */

const CACHE_LIMIT = 5_000;

export function parseError(text: string | null): AppError | null {
  if (text === null) return null;
  try {
    const parsed = AppErrorSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function registerQueueFunctions(db: Db): void {
  const cache = new Map<string, Signature>();
  const sig = (text: unknown): Signature => {
    const key = typeof text === 'string' ? text : '';
    let s = cache.get(key);
    if (!s) {
      s = errorSignature(parseError(typeof text === 'string' ? text : null));
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, s);
    }
    return s;
  };
  const opts = { deterministic: true } as const;
  db.function('queue_class', opts, (e: unknown) => sig(e).cls);
  db.function('queue_code', opts, (e: unknown) => sig(e).code);
  db.function('queue_signature', opts, (e: unknown) => sig(e).key);
  db.function('queue_gave_up', opts, (e: unknown) =>
    gaveUp(parseError(typeof e === 'string' ? e : null)) ? 1 : 0,
  );
}
