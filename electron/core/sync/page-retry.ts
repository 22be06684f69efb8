import { retryDelayMs, type BackoffSettings } from './backoff';
import type { ApiFailure } from './server-api';

/** What is known when a change-feed page read has failed. */
export interface FailedPageRead {
  error: Pick<ApiFailure, 'retryable' | 'retryAfterMs' | 'unreached'>;
  /** Failed reads of this page so far, this one included (1 after the first). */
  attempts: number;
  /** The server answered something in this run (a page, a status, part of a reply). */
  reached: boolean;
  /** Wall-clock milliseconds now, and the latest moment this run may start a retry. */
  now: number;
  retryUntil: number;
}

/**
 * How long to wait before reading the same page again, or null when the run
 * ends with the error instead. Pure, so its rules are tested one by one:
 *
 * - the push's backoff (delay after the n-th failure, jitter, the attempt
 *   limit, a server's Retry-After obeyed) — a page is one more thing that
 *   goes again after a retryable failure;
 * - never past the run's limit (the CLI's --max-wait): a wait that would end
 *   after it ends the run now, with the error's words;
 * - a first request that reached nothing (nothing listens at the address, the
 *   name is unknown) is said at once: that is a wrong address or a server that
 *   is down, not a blip in an exchange that had started.
 */
export function pageRetryDelayMs(
  read: FailedPageRead,
  backoff: BackoffSettings,
  random: () => number = Math.random,
): number | null {
  if (!read.error.retryable) return null;
  if (read.error.unreached && !read.reached) return null;
  const delay = retryDelayMs(read.attempts, backoff, random, read.error.retryAfterMs);
  if (delay === null || read.now + delay > read.retryUntil) return null;
  return delay;
}
