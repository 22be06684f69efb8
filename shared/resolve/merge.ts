import { fieldEquals } from '../diff';
import type { VisitorField, VisitorValues } from '../visitor';

/**
 * Field merges of the `merge` strategy. Pure functions of the two sides and,
 * when the server knows it, the base (the record the client edited from).
 */

/** The separator of the seed's `mergeData`: `${client}\n---\n${server}`. */
export const NOTES_SEPARATOR = '\n---\n';

/**
 * Ordered union, as the seed's `[...new Set([...client, ...server])]`: the
 * client's items in its order, then the server's items it lacks. Duplicates
 * within a side collapse too, since interests are a set to users.
 */
export function unionArrays(client: readonly string[], server: readonly string[]): string[] {
  return [...new Set([...client, ...server])];
}

const isEmptyText = (s: string | null | undefined): boolean => s == null || s === '';

/**
 * Both texts joined by a separator line, as the seed's `mergeData`; when one
 * side is empty the other is taken, so a merge never invents a separator
 * around nothing.
 */
export function joinNotes(client: string | null, server: string | null): string | null {
  if (isEmptyText(client)) return isEmptyText(server) ? null : server;
  if (isEmptyText(server) || client === server) return client;
  return `${client}${NOTES_SEPARATOR}${server}`;
}

/** Which side changed since the base; `unknown` when there is no base to tell. */
export type ChangedSince = 'none' | 'client' | 'server' | 'both' | 'unknown';

export function changedSince(client: unknown, server: unknown, base: unknown): ChangedSince {
  if (base === undefined) return 'unknown';
  const c = !fieldEquals(client, base);
  const s = !fieldEquals(server, base);
  return c && s ? 'both' : c ? 'client' : s ? 'server' : 'none';
}

/**
 * The merged value of one field. Equal sides need no merge. When the base
 * shows only one side changed, that side's value is the merge (for every
 * field type: a union or a join would resurrect what that side removed).
 * Otherwise, when both changed or the base is unknown: arrays union, notes
 * join, other scalars take the client's (the seed's `{ ...server, ...client }`).
 * `base` undefined means "unknown"; null is a known empty value.
 */
export function mergeField<F extends VisitorField>(
  field: F,
  client: VisitorValues[F],
  server: VisitorValues[F],
  base?: VisitorValues[F],
): VisitorValues[F] {
  if (fieldEquals(client, server)) return client;
  const since = changedSince(client, server, base);
  if (since === 'server') return server;
  if (since === 'client') return client;
  if (field === 'interests') {
    return unionArrays(client as string[], server as string[]) as VisitorValues[F];
  }
  if (field === 'notes') {
    return joinNotes(client as string | null, server as string | null) as VisitorValues[F];
  }
  return client;
}
