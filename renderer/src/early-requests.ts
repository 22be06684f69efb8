import type { Api } from '../../shared/ipc/client';
import type {
  Channel,
  EventName,
  EventPayload,
  RequestIn,
  ResponseOf,
} from '../../shared/ipc/contract';

/**
 * Requests a window asks as its script starts, before React has rendered
 * anything: the first screen mounts only after the shell's state has
 * answered and the console's first render is done, and the window's module
 * set-up alone takes a good part of its first second. Asked here, the core
 * answers while the window is still setting up, and the screen takes the
 * answer instead of asking again.
 *
 * Each early answer is taken once, only by the same request (same channel,
 * same fields), and only while it cannot be out of date: an answer is
 * dropped when the event that says it changed arrives (`staleAfter`), or
 * replaced by that event's payload when the event carries the new value
 * itself (`replacedBy`), and forgotten after FRESH_MS. A request that
 * failed early is asked again when taken (the core may have been starting).
 */

/** How long an early answer waits for its screen (the welcome screen may be read for minutes). */
const FRESH_MS = 10_000;

interface Early {
  at: number;
  answer: Promise<unknown>;
  /** The newest value known, from the answer or a later event, in the order they arrived. */
  latest: { value: unknown } | null;
}

const early = new Map<string, Early>();

/** The same request, whatever the order of its fields: sorted keys, undefined left out. */
export function requestKey(channel: string, request: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  };
  return `${channel} ${JSON.stringify(canonical(request))}`;
}

type Refresh<C extends Channel> =
  | { staleAfter: EventName }
  | {
      replacedBy: {
        [E in EventName]: EventPayload<E> extends ResponseOf<C> ? E : never;
      }[EventName];
    };

/** Asks now; the answer waits for `takeEarly` of the same request. */
export function askEarly<C extends Channel>(
  api: Api,
  channel: C,
  request: RequestIn<C>,
  refresh: Refresh<C>,
  now: () => number = () => performance.now(),
): void {
  const key = requestKey(channel, request);
  const entry: Early = { at: now(), answer: api.invoke(channel, request), latest: null };
  // A failure is for the taker to see (it asks again); unhandled, it would be logged as a bug.
  entry.answer.then(
    (value) => {
      if (early.get(key) === entry) entry.latest = { value };
    },
    () => undefined,
  );
  early.set(key, entry);
  if ('staleAfter' in refresh) {
    const off = api.on(refresh.staleAfter, () => {
      if (early.get(key) === entry) early.delete(key);
      off();
    });
  } else {
    const off = api.on(refresh.replacedBy, (value) => {
      if (early.get(key) !== entry) return off();
      entry.latest = { value };
    });
  }
}

/**
 * The answer to exactly this request asked early, once, or a new ask when
 * there is none (or it failed, or is older than FRESH_MS).
 */
export function ask<C extends Channel>(
  api: Api,
  channel: C,
  request: RequestIn<C>,
  now: () => number = () => performance.now(),
): Promise<ResponseOf<C>> {
  const again = () => api.invoke(channel, request);
  const key = requestKey(channel, request);
  const entry = early.get(key);
  if (!entry) return again();
  early.delete(key);
  if (now() - entry.at > FRESH_MS) return again();
  if (entry.latest) return Promise.resolve(entry.latest.value as ResponseOf<C>);
  return (entry.answer as Promise<ResponseOf<C>>).catch(again);
}

/**
 * The answer to exactly this request asked early, once, if it has already
 * arrived (and is fresh): for a first render that can show it at once.
 */
export function takeArrived<C extends Channel>(
  channel: C,
  request: RequestIn<C>,
  now: () => number = () => performance.now(),
): ResponseOf<C> | null {
  const value = peekArrived(channel, request, now);
  if (value !== null) early.delete(requestKey(channel, request));
  return value;
}

/**
 * What an early request last said, if it has arrived (and is fresh), without
 * taking it: `ask` still takes it, with anything an event brought since.
 */
export function peekArrived<C extends Channel>(
  channel: C,
  request: RequestIn<C>,
  now: () => number = () => performance.now(),
): ResponseOf<C> | null {
  const entry = early.get(requestKey(channel, request));
  if (!entry?.latest || now() - entry.at > FRESH_MS) return null;
  return entry.latest.value as ResponseOf<C>;
}

/** Forget every early answer (tests). */
export function forgetEarly(): void {
  early.clear();
}
