import type { Decision } from '../../../shared/ipc/conflicts-contract';
import { fromConflictData } from '../../../shared/resolve/conflict';
import {
  hasTypedPick,
  rememberedPicks,
  type RememberedResults,
} from '../../../shared/resolve/remembered';
import { ruleDecisionFor } from '../../../shared/resolve/saved-rules';
import type { Resolution, ResolvableConflict } from '../../../shared/resolve/types';
import type { VisitorField, VisitorValues } from '../../../shared/visitor';
import type { VisitorRecord } from '../visitors/visitors-repo';
import type { ConflictRow } from './conflicts-repo';

/**
 * A stored conflict, as the resolver reads it, from what the console knows now:
 *
 * - ours: what was sent, plus edits made since and still queued (a decision
 *   supersedes those operations, so their changes must live on in it);
 * - theirs: the server's record. A field conflict's serverData holds only the
 *   keys the client sent, so the rest comes from the mirror's merge base (the
 *   server's record as last seen) rather than the local row, which may hold
 *   unsent edits. When a pull has brought a newer version since the conflict,
 *   that newer record and version are "theirs": deciding against an older one
 *   would only conflict again.
 */
export function resolvableOf(
  c: ConflictRow,
  v: VisitorRecord,
  queuedEdits: Partial<VisitorValues>,
): ResolvableConflict {
  const newer =
    c.serverData !== null &&
    v.base !== null &&
    v.serverVersion !== null &&
    c.serverVersion !== null &&
    v.serverVersion > c.serverVersion;
  const serverData =
    c.serverData === null ? null : newer ? { ...v.base } : { ...(v.base ?? {}), ...c.serverData };
  return fromConflictData({
    localId: c.localId,
    serverId: c.serverId ?? v.serverId,
    action: c.action,
    data: {
      clientData: { ...c.clientData, ...queuedEdits },
      serverData,
      conflictFields: c.conflictFields,
      ...(c.baseData ? { baseData: c.baseData } : {}),
      ...(newer
        ? { serverVersion: v.serverVersion! }
        : c.serverVersion !== null
          ? { serverVersion: c.serverVersion }
          : {}),
      kind: c.kind,
    },
    local: v.values,
  });
}

/** The decision one conflict gets from a bulk action, or why it gets none. */
export function resolutionFor(
  c: ConflictRow,
  rc: ResolvableConflict,
  decision: Decision,
  /** The remembered results for this conflict's contested fields (looked up only when needed). */
  rememberedOf: () => RememberedResults = () => ({}),
):
  { ok: true; resolution: Resolution; remembered: VisitorField[] } | { ok: false; reason: string } {
  switch (decision.type) {
    case 'resolution':
    case 'rules':
      return {
        ok: true,
        ...ruleDecisionFor(decision, rc, decision.remembered ? rememberedOf() : {}),
      };
    case 'drafts':
      if (!c.draft) return { ok: false, reason: 'No decision chosen yet' };
      // A draft proposed with remembered values keeps saying so when applied.
      return {
        ok: true,
        resolution: c.draft,
        remembered: hasTypedPick(c.draft) ? rememberedPicks(rc, c.draft, rememberedOf()) : [],
      };
  }
}
