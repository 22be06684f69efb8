import { z } from 'zod';
import { wellFormed } from '../shared/visitor';
import { TransientStoreError } from './storage/types';
import { OperationFailure } from './sync/apply';
import type { ValidOp } from './sync/validate';

/**
 * Admin-only fault hooks for tests of sync clients (server/README.md,
 * "Fault hooks"). Each section replaces the previous setting of that section;
 * counts go down as faults fire. `null` or a count of 0 clears a section.
 */

const Count = z.number().int().min(0).max(1_000_000);

export const FaultsRequestSchema = z.strictObject({
  /** The next `count` matching requests fail before anything is read or applied. */
  failRequests: z
    .strictObject({
      count: Count,
      status: z
        .union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)])
        .default(503),
      retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
      route: z.enum(['bulk-sync', 'changes', 'any']).default('bulk-sync'),
    })
    .nullable()
    .optional(),
  /** The next `count` bulk-syncs are applied and committed, then the connection is cut: a lost response. */
  dropResponses: z.strictObject({ count: Count }).nullable().optional(),
  /**
   * The next `count` bulk-sync responses wait `ms` after applying (client
   * timeouts), after `skip` responses that go at once (a run held mid-way).
   * A client that hangs up ends the wait.
   */
  delayResponses: z
    .strictObject({
      count: Count,
      ms: z.number().int().min(0).max(120_000),
      skip: Count.default(0),
    })
    .nullable()
    .optional(),
  /**
   * Operations whose localId starts with the prefix fail on their own.
   * Without `error` they fail like a busy database (database_busy, retryable).
   * `phase: "after"` (default) fails after the operation's writes, so the
   * savepoint must undo them; "before" fails before it reads anything.
   */
  failOperations: z
    .strictObject({
      localIdPrefix: wellFormed(128, 1),
      /** How many operations to fail; absent: every match until cleared. */
      count: Count.optional(),
      error: z
        .strictObject({
          code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
          message: wellFormed(500, 1),
          retryable: z.boolean(),
        })
        .optional(),
      phase: z.enum(['before', 'after']).default('after'),
    })
    .nullable()
    .optional(),
  /**
   * A poison operation: every bulk-sync that carries an operation whose
   * localId starts with the prefix is refused as a whole with `status`
   * (nothing of it applied), as a server that crashes on one record would.
   */
  refuseChunks: z
    .strictObject({
      localIdPrefix: wellFormed(128, 1),
      status: z.union([z.literal(400), z.literal(500), z.literal(502)]).default(500),
      /** How many chunks to refuse; absent: every match until cleared. */
      count: Count.optional(),
    })
    .nullable()
    .optional(),
});
export type FaultsRequest = z.input<typeof FaultsRequestSchema>;
type FaultsParsed = z.output<typeof FaultsRequestSchema>;

export interface FaultState {
  failRequests: NonNullable<FaultsParsed['failRequests']> | null;
  dropResponses: NonNullable<FaultsParsed['dropResponses']> | null;
  delayResponses: NonNullable<FaultsParsed['delayResponses']> | null;
  failOperations: NonNullable<FaultsParsed['failOperations']> | null;
  refuseChunks: NonNullable<FaultsParsed['refuseChunks']> | null;
}

export type FaultRoute = 'bulk-sync' | 'changes';

const empty = (): FaultState => ({
  failRequests: null,
  dropResponses: null,
  delayResponses: null,
  failOperations: null,
  refuseChunks: null,
});

export class Faults {
  private state: FaultState = empty();

  /** Applies a parsed request; sections not mentioned stay as they are. */
  set(request: FaultsParsed): FaultState {
    for (const key of [
      'failRequests',
      'dropResponses',
      'delayResponses',
      'failOperations',
      'refuseChunks',
    ] as const) {
      if (!Object.hasOwn(request, key)) continue;
      const value = request[key];
      const cleared = value === null || value === undefined || value.count === 0;
      (this.state as Record<typeof key, unknown>)[key] = cleared ? null : { ...value };
    }
    return this.snapshot();
  }

  clear(): FaultState {
    this.state = empty();
    return this.snapshot();
  }

  snapshot(): FaultState {
    return structuredClone(this.state);
  }

  /** Consumes one request failure for `route`, if armed. */
  takeRequestFailure(route: FaultRoute): { status: number; retryAfterSeconds: number } | null {
    const f = this.state.failRequests;
    if (!f || (f.route !== 'any' && f.route !== route)) return null;
    if (--f.count <= 0) this.state.failRequests = null;
    return { status: f.status, retryAfterSeconds: f.retryAfterSeconds };
  }

  takeDrop(): boolean {
    const f = this.state.dropResponses;
    if (!f) return false;
    if (--f.count <= 0) this.state.dropResponses = null;
    return true;
  }

  takeDelayMs(): number {
    const f = this.state.delayResponses;
    if (!f) return 0;
    if (f.skip > 0) {
      f.skip--;
      return 0;
    }
    if (--f.count <= 0) this.state.delayResponses = null;
    return f.ms;
  }

  /** The status to refuse a whole bulk-sync with, when one of its localIds matches. */
  takeChunkRefusal(localIds: readonly string[]): number | null {
    const f = this.state.refuseChunks;
    if (!f || !localIds.some((id) => id.startsWith(f.localIdPrefix))) return null;
    if (f.count !== undefined && --f.count <= 0) this.state.refuseChunks = null;
    return f.status;
  }

  /** Throws the configured failure when `op` matches (called by apply.ts). */
  checkOperation(op: ValidOp, phase: 'before' | 'after'): void {
    const f = this.state.failOperations;
    if (!f || f.phase !== phase || !op.localId.startsWith(f.localIdPrefix)) return;
    if (f.count !== undefined && --f.count <= 0) this.state.failOperations = null;
    if (f.error) throw new OperationFailure(f.error);
    // What a busy database is for any backend (SQLITE_BUSY, a lock timeout).
    throw new TransientStoreError('database_busy', 'the database is busy; try again');
  }
}
