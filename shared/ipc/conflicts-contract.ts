import { z } from 'zod';
import { AppErrorSchema } from '../errors';
import { ConflictKindSchema } from '../protocol';
import { RememberedValueSchema } from '../resolve/remembered';
import {
  RuleDecisionSchema,
  RuleMatchSchema,
  RuleModeSchema,
  RuleNameSchema,
  UseRememberedSchema,
} from '../resolve/saved-rules';
import {
  FieldChangeSchema,
  FieldRulesSchema,
  MergePreviewSchema,
  PreviewOperationSchema,
  ResolutionSchema,
  ResolvableConflictSchema,
} from '../resolve/types';
import { VISITOR_FIELDS, VisitorFieldNameSchema } from '../visitor';
import { channel, NoArgs } from './channel';
import { boundedText, CursorKeySchema, PositionsSchema } from './bounded';
import { LocalIdSchema } from './visitors-contract';

/** The conflict workspace and the audit trail: its part of the channel and event maps in contract.ts. */

export const ConflictFieldSchema = VisitorFieldNameSchema;

/** What the workspace shows: every filter is applied in SQLite, never over rows in the window. */
export const ConflictFilterSchema = z.strictObject({
  /** Conflicts on any of these fields (empty: any). */
  fields: z.array(ConflictFieldSchema).max(VISITOR_FIELDS.length).default([]),
  kinds: z.array(ConflictKindSchema).max(3).default([]),
  company: boundedText(200, { trim: true }).default(''),
  /** Name, company or any value either side holds. */
  text: boundedText(200, { trim: true }).default(''),
  /** Only conflicts with / without a decision chosen in the workspace. */
  decided: z.enum(['any', 'yes', 'no']).default('any'),
  /** Only stale captures (the client's change made long before the server's), or only fresh ones. */
  stale: z.enum(['any', 'yes', 'no']).default('any'),
  /** The visitor's capture method, exactly (any case); used by saved rules. */
  captureMethod: z.string().trim().max(100).default(''),
});
export type ConflictFilter = z.output<typeof ConflictFilterSchema>;
export type ConflictFilterIn = z.input<typeof ConflictFilterSchema>;

export const CONFLICT_SORT_COLUMNS = ['name', 'company', 'kind', 'createdAt'] as const;
export const ConflictSortSchema = z.strictObject({
  column: z.enum(CONFLICT_SORT_COLUMNS),
  direction: z.enum(['asc', 'desc']),
});
export type ConflictSort = z.infer<typeof ConflictSortSchema>;

export const ConflictCursorSchema = z.strictObject({ key: CursorKeySchema, id: z.number().int() });
export type ConflictCursor = z.infer<typeof ConflictCursorSchema>;

const ConflictQuerySchema = z.strictObject({
  filter: ConflictFilterSchema.default(ConflictFilterSchema.parse({})),
  sort: ConflictSortSchema.default({ column: 'createdAt', direction: 'asc' }),
});
export type ConflictQueryIn = z.input<typeof ConflictQuerySchema>;

/** At most this many conflicts picked one by one (or left out of "all") in one bulk action. */
export const MAX_TARGET_IDS = 200_000;

/** Which conflicts a bulk action is for: picked rows, or every row matching a filter but some. */
export const ConflictTargetSchema = z.union([
  z.strictObject({ ids: z.array(z.number().int()).min(1).max(MAX_TARGET_IDS) }),
  z.strictObject({
    filter: ConflictFilterSchema,
    exceptIds: z.array(z.number().int()).max(MAX_TARGET_IDS).default([]),
  }),
]);
export type ConflictTarget = z.output<typeof ConflictTargetSchema>;
export type ConflictTargetIn = z.input<typeof ConflictTargetSchema>;

/**
 * How the targeted conflicts are decided: one strategy, a rule per field, or
 * each one's draft. `remembered`: remembered values where there are any take
 * precedence over the strategy's or the rule's pick for their fields.
 */
export const DecisionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('resolution'),
    resolution: ResolutionSchema,
    remembered: UseRememberedSchema,
  }),
  z.strictObject({
    type: z.literal('rules'),
    rules: FieldRulesSchema,
    remembered: UseRememberedSchema,
  }),
  z.strictObject({ type: z.literal('drafts') }),
]);
export type Decision = z.infer<typeof DecisionSchema>;

/** Whether the row's chosen decision can be applied, and what it would do. */
export const DraftStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('undecided') }),
  z.object({ state: z.literal('ready'), changes: z.number().int(), sends: z.boolean() }),
  z.object({ state: z.literal('invalid'), error: AppErrorSchema }),
]);
export type DraftState = z.infer<typeof DraftStateSchema>;

export const ConflictViewSchema = z.object({
  id: z.number().int(),
  localId: z.string(),
  serverId: z.string().nullable(),
  name: z.string(),
  company: z.string(),
  kind: ConflictKindSchema,
  conflictFields: z.array(ConflictFieldSchema),
  createdAt: z.string(),
  /**
   * What the resolver reads (the same object main applies from): the window
   * derives both sides and the base from it (conflictSides) and previews live.
   */
  resolvable: ResolvableConflictSchema,
  draft: ResolutionSchema.nullable(),
  /** The saved rule whose decision the draft is (a proposed rule), while nobody changed it. */
  draftRule: z.string().nullable(),
  draftState: DraftStateSchema,
  /** The client's change was made long before the server's (Settings' threshold). */
  stale: z.boolean(),
  /** How much earlier the client's change was made than the server's, in ms, when known. */
  captureGapMs: z.number().int().nullable(),
  captureMethod: z.string().nullable(),
  /** Remembered results for contested fields whose pair of sides was settled before. */
  remembered: z.partialRecord(ConflictFieldSchema, z.unknown()),
  /** Why this conflict cannot be applied right now (e.g. its record is being sent), if so. */
  blocked: z.string().nullable(),
});
export type ConflictView = z.infer<typeof ConflictViewSchema>;

export const BulkSampleSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  localEffect: MergePreviewSchema.shape.localEffect,
  changes: z.array(FieldChangeSchema),
  operation: PreviewOperationSchema.nullable(),
  /** Fields whose result is a remembered value. */
  remembered: z.array(ConflictFieldSchema),
});

/** The summary shown before a bulk apply; apply returns the same numbers for what it did. */
export const BulkPreviewSchema = z.object({
  targeted: z.number().int(),
  /** Conflicts that would be resolved. */
  resolvable: z.number().int(),
  /** Records whose local values change. */
  recordsChanging: z.number().int(),
  /** Operations that would be queued for the server. */
  operations: z.number().int(),
  byStrategy: z.record(z.string(), z.number().int()),
  /** Of the conflicts resolved, those where at least one field takes a remembered value. */
  remembered: z.number().int(),
  /** Conflicts left open, with why (no decision, invalid result, record being sent…). */
  skipped: z.number().int(),
  skippedReasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  samples: z.array(BulkSampleSchema),
  /**
   * The newest conflict the preview covered: apply passes it back, so a
   * conflict found by a background sync meanwhile is not applied unseen.
   */
  throughId: z.number().int(),
});
export type BulkPreview = z.infer<typeof BulkPreviewSchema>;

export const BatchInfoSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  description: z.string(),
  count: z.number().int(),
  undoneAt: z.string().nullable(),
  /** Null when it can be undone; else the reason in words. */
  undoBlocked: z.string().nullable(),
});
export type BatchInfo = z.infer<typeof BatchInfoSchema>;

/**
 * A batch as the undo list shows it: without what stands in the way of its
 * undo, which is counted over every decision of the batch (~200 ms at 50 000)
 * and so only when its undo is asked for (the undo refuses, in those words).
 */
export const BatchSummarySchema = BatchInfoSchema.omit({ undoBlocked: true });
export type BatchSummary = z.infer<typeof BatchSummarySchema>;

/** A saved rule as the workspace lists it. */
export const SavedRuleSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  match: RuleMatchSchema,
  decision: RuleDecisionSchema,
  mode: RuleModeSchema,
  enabled: z.boolean(),
  /** Conflicts it gave a draft to or resolved, over its life. */
  matched: z.number().int(),
  /** The rule in words. */
  summary: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedRuleView = z.infer<typeof SavedRuleSchema>;

export const RuleInputSchema = z.strictObject({
  name: RuleNameSchema,
  match: RuleMatchSchema,
  decision: RuleDecisionSchema,
  mode: RuleModeSchema.default('proposed'),
});
export type RuleInput = z.input<typeof RuleInputSchema>;

export const RulePatchSchema = z.strictObject({
  name: RuleNameSchema.optional(),
  match: RuleMatchSchema.optional(),
  decision: RuleDecisionSchema.optional(),
  mode: RuleModeSchema.optional(),
  enabled: z.boolean().optional(),
});

export const ApplyResultSchema = BulkPreviewSchema.extend({ batch: BatchInfoSchema.nullable() });
export type ApplyResult = z.infer<typeof ApplyResultSchema>;

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  localId: z.string().nullable(),
  serverId: z.string().nullable(),
  conflictId: z.number().int().nullable(),
  opId: z.string().nullable(),
  batchId: z.number().int().nullable(),
  detail: z.unknown(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntryView = z.infer<typeof AuditEntrySchema>;

export const FieldGroupSchema = z.object({ field: ConflictFieldSchema, count: z.number().int() });

export const conflictChannels = {
  'conflicts:count': channel(
    z.strictObject({ filter: ConflictFilterSchema.default(ConflictFilterSchema.parse({})) }),
    z.object({ total: z.number().int(), open: z.number().int() }),
  ),
  'conflicts:page': channel(
    ConflictQuerySchema.extend({
      offset: z.number().int().nonnegative(),
      limit: z.number().int().min(1).max(500),
      after: ConflictCursorSchema.optional(),
    }),
    z.object({ rows: z.array(ConflictViewSchema), last: ConflictCursorSchema.nullable() }),
  ),
  /**
   * The ids at positions [offset, offset + limit) of the query, in the page's
   * order: a Shift-click range over rows the window does not hold.
   */
  'conflicts:idsAt': channel(
    ConflictQuerySchema.extend(PositionsSchema.shape),
    z.object({ ids: z.array(z.number().int()) }),
  ),
  /** How many open conflicts (matching the filter) contest each field: the "group by field" heads. */
  'conflicts:groups': channel(
    z.strictObject({ filter: ConflictFilterSchema.default(ConflictFilterSchema.parse({})) }),
    z.array(FieldGroupSchema),
  ),
  'conflicts:get': channel(z.strictObject({ id: z.number().int() }), ConflictViewSchema),
  /** The decision chosen for some conflicts in the workspace (null clears it); applied later. */
  'conflicts:setDraft': channel(
    z.strictObject({ target: ConflictTargetSchema, resolution: ResolutionSchema.nullable() }),
    z.object({ updated: z.number().int() }),
  ),
  'conflicts:preview': channel(
    z.strictObject({ target: ConflictTargetSchema, decision: DecisionSchema }),
    BulkPreviewSchema,
  ),
  /** One transaction in main, however many conflicts. */
  'conflicts:apply': channel(
    z.strictObject({
      target: ConflictTargetSchema,
      decision: DecisionSchema,
      description: boundedText(500, { trim: true }).default(''),
      /** From the preview: conflicts newer than it are left alone. */
      throughId: z.number().int().optional(),
    }),
    ApplyResultSchema,
  ),
  'conflicts:lastBatch': channel(NoArgs, BatchInfoSchema.nullable()),
  /**
   * The recent bulk applies and automatic rule batches, newest first; whether
   * each can still be undone is found when its undo is asked for.
   */
  'conflicts:batches': channel(
    z.strictObject({ limit: z.number().int().min(1).max(200).default(20) }),
    z.array(BatchSummarySchema),
  ),
  /** Undoes a bulk apply (default: the last), while none of its operations was pushed. */
  'conflicts:undo': channel(
    z.strictObject({ batchId: z.number().int().optional() }),
    z.object({ batch: BatchInfoSchema, reopened: z.number().int() }),
  ),
  'rules:list': channel(NoArgs, z.array(SavedRuleSchema)),
  'rules:save': channel(RuleInputSchema, SavedRuleSchema),
  /** Rename, edit, switch mode, enable or disable. Turning automatic needs `dryRunSeen`. */
  'rules:update': channel(
    z.strictObject({
      id: z.number().int(),
      patch: RulePatchSchema,
      /** The person saw the rule's dry run over the open conflicts (required to turn it automatic). */
      dryRunSeen: z.boolean().default(false),
    }),
    SavedRuleSchema,
  ),
  'rules:delete': channel(
    z.strictObject({ id: z.number().int() }),
    z.object({ deleted: z.boolean() }),
  ),
  /**
   * What a rule would do to the conflicts open now: a preview, nothing changes.
   * A saved rule (`id`), or one being edited (`match` and `decision`, not saved yet).
   */
  'rules:dryRun': channel(
    z.union([
      z.strictObject({ id: z.number().int() }),
      z.strictObject({ match: RuleMatchSchema, decision: RuleDecisionSchema }),
    ]),
    BulkPreviewSchema,
  ),
  'remembered:list': channel(NoArgs, z.array(RememberedValueSchema)),
  'remembered:forget': channel(
    z.strictObject({ id: z.number().int() }),
    z.object({ forgotten: z.boolean() }),
  ),
  'audit:forVisitor': channel(
    z.strictObject({ localId: LocalIdSchema }),
    z.array(AuditEntrySchema),
  ),
  'audit:exportCsv': channel(
    NoArgs,
    z.object({ csv: z.string(), rows: z.number().int(), fileName: z.string() }),
  ),
} as const;

export const conflictEvents = {
  /** Conflicts were added, decided, applied or reopened: the workspace refreshes. */
  'conflicts:changed': z.object({ open: z.number().int() }),
} as const;

/** The merge preview of one decision, as the detail pane shows it (computed in the renderer). */
export type { MergePreview } from '../resolve/types';
