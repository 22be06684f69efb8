/**
 * When a retryable operation goes out again. Pure, so its bounds are tested.
 * Delay before attempt n+1 = base × factor^(n−1), spread by ±jitter so a
 * thousand operations that failed together do not come back together.
 */
export interface BackoffSettings {
  /** Delay after the first failed attempt (the seed: 1 s). */
  baseMs: number;
  /** Growth per attempt (the seed: doubling). */
  factor: number;
  /** Attempts before an operation is failed for good (the seed: 5). */
  maxAttempts: number;
  /** Fraction of the delay randomised either way, 0..1. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = {
  baseMs: 1_000,
  factor: 2,
  maxAttempts: 5,
  jitter: 0.2,
};

/** A server's Retry-After is obeyed up to this; a longer one is a broken server or a broken clock. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * The longest wait this console ever schedules. `next_attempt_at` is wall-clock
 * time: an operation failed while the clock ran a day fast is due "tomorrow"
 * once the clock is put right. A due time further ahead than any wait we could
 * have chosen can only come from such a clock, so it is treated as due now.
 */
export function retryHorizonMs(settings: BackoffSettings): number {
  const largest =
    settings.baseMs *
    settings.factor ** Math.max(0, settings.maxAttempts - 2) *
    (1 + settings.jitter);
  return Math.ceil(Math.max(largest, MAX_RETRY_AFTER_MS));
}

/** Milliseconds to wait after `attempts` failed attempts, or null when no attempt is left. */
export function retryDelayMs(
  attempts: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number | null {
  if (attempts >= settings.maxAttempts) return null;
  const raw = settings.baseMs * settings.factor ** Math.max(0, attempts - 1);
  const spread = 1 + settings.jitter * (2 * random() - 1);
  const delay = Math.round(raw * spread);
  // A server that says when to come back is obeyed, never undercut.
  return Math.max(delay, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}
