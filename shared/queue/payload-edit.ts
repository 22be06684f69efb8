import { describeIssues } from '../errors';
import { OperationSchema, type Action } from '../protocol';
import { VisitorCreateDataSchema, VisitorPatchSchema } from '../visitor';

/**
 * An admin's edit of a failed operation's payload, checked with the schemas
 * the wire uses (the reference server parses `data` with the same ones), so an
 * edit the server would refuse is refused here first, saying what and where.
 */

/** Enough for a full record with 10 000 characters of notes, escaped. */
export const MAX_PAYLOAD_TEXT = 100_000;

export type PayloadEditResult =
  { ok: true; data: Record<string, unknown> } | { ok: false; reason: string };

export function validatePayloadEdit(
  op: { action: Action; localId: string; serverId: string | null; timestamp: string },
  text: string,
): PayloadEditResult {
  if (op.action === 'delete')
    return { ok: false, reason: 'A delete carries no payload to edit: retry or discard it.' };
  if (text.length > MAX_PAYLOAD_TEXT)
    return { ok: false, reason: `The payload is longer than ${MAX_PAYLOAD_TEXT} characters.` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `The payload is not valid JSON: ${(err as Error).message}.` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, reason: 'The payload must be a JSON object of visitor fields.' };
  // The same envelope the wire checks, then the same data schema as the server.
  const envelope = OperationSchema.safeParse({
    action: op.action,
    localId: op.localId,
    ...(op.serverId ? { serverId: op.serverId } : {}),
    timestamp: op.timestamp,
    data: raw,
  });
  if (!envelope.success) return { ok: false, reason: describeIssues(envelope.error) };
  const schema = op.action === 'create' ? VisitorCreateDataSchema : VisitorPatchSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error, 'data') };
  return { ok: true, data: parsed.data as Record<string, unknown> };
}
