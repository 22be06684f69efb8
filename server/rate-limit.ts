/**
 * Token buckets per key (a client address for failed sign-ins): `capacity`
 * at once, refilled at `refillPerSecond`. Buckets that have refilled are
 * forgotten, so memory stays bounded by the keys that failed recently.
 */
export interface RateLimitOptions {
  capacity: number;
  refillPerSecond: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new Error('rate limit: capacity must be >= 1 and refillPerSecond > 0');
    }
  }

  /** Takes one token for `key`, or says when one will be there. */
  take(key: string): TakeResult {
    return this.check(key, true);
  }

  /** Whether `key` has a token now, without taking it. */
  peek(key: string): TakeResult {
    return this.check(key, false);
  }

  private check(key: string, take: boolean): TakeResult {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (!take) return { ok: true };
      this.sweep(now);
      bucket = { tokens: this.options.capacity, updatedMs: now };
      this.buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, now - bucket.updatedMs) / 1000;
    bucket.tokens = Math.min(
      this.options.capacity,
      bucket.tokens + elapsed * this.options.refillPerSecond,
    );
    bucket.updatedMs = now;
    if (bucket.tokens >= 1) {
      if (take) bucket.tokens -= 1;
      return { ok: true };
    }
    const wait = (1 - bucket.tokens) / this.options.refillPerSecond;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }

  /** Forgets buckets that are full again (every 1 000 new keys). */
  private sweep(now: number): void {
    if (this.buckets.size % 1000 !== 999) return;
    const fullAfterMs = (this.options.capacity / this.options.refillPerSecond) * 1000;
    for (const [key, b] of this.buckets)
      if (now - b.updatedMs >= fullAfterMs) this.buckets.delete(key);
  }
}
