import { appError, describeIssues } from '../errors';
import {
  VISITOR_FIELDS,
  VisitorFieldSchemas,
  type VisitorField,
  type VisitorValues,
} from '../visitor';
import { conflictSides, type Sides } from './conflict';
import { mergeField } from './merge';
import {
  err,
  ok,
  type Pick,
  type Picks,
  type Resolution,
  type ResolvableConflict,
  type ResolvedRecord,
  type Result,
} from './types';

/**
 * The resulting record of a decision, by conflict kind:
 * - field: server_wins → the server's record; client_wins → the client's; merge
 *   → field by field (merge.ts); manual → the picks.
 * - update_deleted (the server deleted it): server_wins accepts the deletion;
 *   every other strategy re-creates the record with the chosen values.
 * - delete_modified (the client deleted it, the server changed it):
 *   client_wins deletes it again; every other strategy keeps the record (a
 *   deletion has no values to merge, and keeping loses nobody's edit), with
 *   the client's side being the values it held when it deleted.
 */
export function resolveRecord(c: ResolvableConflict, r: Resolution): Result<ResolvedRecord> {
  const sides = conflictSides(c);
  switch (r.strategy) {
    case 'server_wins':
      return ok(sides.server ?? 'deleted');
    case 'client_wins':
      return ok(c.kind === 'delete_modified' ? 'deleted' : sides.client);
    case 'merge':
      return ok(mergeRecords(sides));
    case 'manual':
      return applyPicks(c, sides, r.picks);
  }
}

/** Every field merged; with no server record the client's values stand alone. */
export function mergeRecords({ client, server, base }: Sides): VisitorValues {
  if (server === null) return client;
  const out = { ...client };
  for (const f of VISITOR_FIELDS) setField(out, f, mergedValue(f, { client, server, base }));
  return out;
}

function mergedValue<F extends VisitorField>(f: F, s: Sides): VisitorValues[F] {
  return s.server === null ? s.client[f] : mergeField(f, s.client[f], s.server[f], s.base?.[f]);
}

function setField<F extends VisitorField>(v: VisitorValues, f: F, value: VisitorValues[F]): void {
  v[f] = value;
}

/**
 * A manual decision: each picked field takes its pick; a conflicting field
 * without one is an error (a decision is never made by default); any other
 * field was not contested and takes its merge, which is the client's change
 * where only the client changed it.
 */
function applyPicks(c: ResolvableConflict, sides: Sides, picks: Picks): Result<VisitorValues> {
  const missing = c.conflictFields.filter((f) => picks[f] === undefined);
  if (missing.length > 0) {
    return err(
      appError('missing_pick', `Choose a value for ${missing.join(', ')}.`, false, {
        fields: missing,
      }),
    );
  }
  const out = { ...sides.client };
  for (const f of VISITOR_FIELDS) {
    const pick = picks[f];
    const value = pick ? pickValue(f, pick, sides) : ok(mergedValue(f, sides));
    if (!value.ok) return value;
    setField(out, f, value.value);
  }
  return ok(out);
}

/** The value one pick gives a field. */
export function pickValue<F extends VisitorField>(
  field: F,
  pick: Pick,
  sides: Sides,
): Result<VisitorValues[F]> {
  switch (pick.kind) {
    case 'client':
      return ok(sides.client[field]);
    case 'server':
      if (sides.server === null) {
        return err(
          appError(
            'no_server_value',
            `${field}: the server deleted this visitor, so there is no server value to take.`,
            false,
            { field },
          ),
        );
      }
      return ok(sides.server[field]);
    case 'merged':
      return ok(mergedValue(field, sides));
    case 'typed':
      return parseTyped(field, pick.value);
  }
}

/**
 * A typed value, validated with the field's own schema so a decision can
 * never queue what the server would reject; stored as the server stores it
 * ('' and absent as null).
 */
export function parseTyped<F extends VisitorField>(
  field: F,
  value: unknown,
): Result<VisitorValues[F]> {
  const parsed = VisitorFieldSchemas[field].safeParse(value);
  if (!parsed.success) {
    return err(appError('invalid_value', describeIssues(parsed.error, field), false, { field }));
  }
  const v: unknown = parsed.data;
  if (field === 'interests') return ok(v as VisitorValues[F]);
  return ok((v === undefined || (v === '' && field !== 'name') ? null : v) as VisitorValues[F]);
}
