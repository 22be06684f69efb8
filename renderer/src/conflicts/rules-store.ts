import type { Api } from '../../../shared/ipc/client';
import type {
  BatchSummary,
  BulkPreview,
  ConflictFilterIn,
  SavedRuleView,
} from '../../../shared/ipc/conflicts-contract';
import type { RememberedValue } from '../../../shared/resolve/remembered';
import type { RuleDecision, RuleMatchIn } from '../../../shared/resolve/saved-rules';
import { errorText } from '../error-text';
import { draftOf, editState, type DraftDryRun, type RuleDraft } from './rule-draft';

/** A rule's dry run over the conflicts open now, shown before it may turn automatic. */
export interface DryRun {
  ruleId: number;
  preview: BulkPreview | null;
  error: string | null;
}

/** A saved rule open in the rule dialog: the draft, its dry run, and a refusal if any. */
export interface RuleEditing {
  rule: SavedRuleView;
  draft: RuleDraft;
  dryRun: DraftDryRun | null;
  saving: boolean;
  error: string | null;
}

export interface RulesSnapshot {
  rules: SavedRuleView[] | null;
  remembered: RememberedValue[] | null;
  /** Bulk applies and rule batches, newest first. */
  batches: BatchSummary[] | null;
  /**
   * Why a batch's undo was refused, by batch id: found when its undo is asked
   * for (the list does not count it), shown until the data changes, which may
   * lift it (e.g. the later apply that decided the same records is undone).
   */
  undoRefused: Readonly<Record<number, string>>;
  dryRun: DryRun | null;
  editing: RuleEditing | null;
  /** The last thing done or refused, in words. */
  notice: { text: string; error: boolean } | null;
}

/** The filter a rule saved from the workspace matches: the parts of it a rule keeps. */
export function matchOfFilter(f: ConflictFilterIn): RuleMatchIn {
  return {
    kinds: f.kinds ?? [],
    fields: f.fields ?? [],
    company: f.company ?? '',
    captureMethod: f.captureMethod ?? '',
    stale: f.stale === 'yes' ? true : f.stale === 'no' ? false : null,
  };
}

/**
 * Saved rules, remembered values and the undo list of the conflict
 * workspace: state and calls, for the screen to show. Plain TypeScript with
 * subscribe/snapshot for useSyncExternalStore.
 */
export class RulesStore {
  private snap: RulesSnapshot = {
    rules: null,
    remembered: null,
    batches: null,
    undoRefused: {},
    dryRun: null,
    editing: null,
    notice: null,
  };
  private readonly listeners = new Set<() => void>();
  private offs: (() => void)[] = [];

  constructor(private readonly api: Api) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RulesSnapshot => this.snap;

  start = (): void => {
    this.stop();
    // A sync or an apply changes match counts, remembered values and what can be undone.
    this.offs = [
      this.api.on('conflicts:changed', () => {
        this.set({ undoRefused: {} });
        this.load();
      }),
      this.api.on('outbox:changed', () => {
        this.set({ undoRefused: {} });
        this.loadBatches();
      }),
    ];
    this.load();
  };

  stop = (): void => {
    this.offs.forEach((off) => off());
    this.offs = [];
  };

  load = (): void => {
    this.api.invoke('rules:list', {}).then((rules) => this.set({ rules }), this.refused);
    this.api
      .invoke('remembered:list', {})
      .then((remembered) => this.set({ remembered }), this.refused);
    this.loadBatches();
  };

  loadBatches = (): void => {
    this.api
      .invoke('conflicts:batches', { limit: 20 })
      .then((batches) => this.set({ batches }), this.refused);
  };

  /** "Save as rule" from a bulk apply or the rule editor: proposed first, always. */
  saveRule = async (
    name: string,
    filter: ConflictFilterIn,
    decision: RuleDecision,
  ): Promise<boolean> => {
    try {
      const rule = await this.api.invoke('rules:save', {
        name,
        match: matchOfFilter(filter),
        decision,
        mode: 'proposed',
      });
      this.set({ notice: { text: `Saved rule “${rule.name}” (proposed).`, error: false } });
      this.load();
      return true;
    } catch (err) {
      this.set({ notice: { text: errorText(err), error: true } });
      return false;
    }
  };

  dryRun = async (ruleId: number): Promise<void> => {
    this.set({ dryRun: { ruleId, preview: null, error: null } });
    try {
      const preview = await this.api.invoke('rules:dryRun', { id: ruleId });
      if (this.snap.dryRun?.ruleId === ruleId)
        this.set({ dryRun: { ruleId, preview, error: null } });
    } catch (err) {
      this.set({ dryRun: { ruleId, preview: null, error: errorText(err) } });
    }
  };

  /** Automatic only after its dry run was on screen; back to proposed at any time. */
  setMode = async (rule: SavedRuleView, mode: 'proposed' | 'automatic'): Promise<void> => {
    const seen = this.snap.dryRun?.ruleId === rule.id && this.snap.dryRun.preview !== null;
    await this.update(rule, { mode }, mode === 'automatic' && seen);
    if (mode === 'automatic') this.set({ dryRun: null });
  };

  rename = (rule: SavedRuleView, name: string) => this.update(rule, { name }, false);
  setEnabled = (rule: SavedRuleView, enabled: boolean) => this.update(rule, { enabled }, false);

  deleteRule = async (rule: SavedRuleView): Promise<void> => {
    try {
      await this.api.invoke('rules:delete', { id: rule.id });
      this.set({ notice: { text: `Deleted rule “${rule.name}”.`, error: false } });
      this.load();
    } catch (err) {
      this.refused(err);
    }
  };

  forget = async (value: RememberedValue): Promise<void> => {
    try {
      await this.api.invoke('remembered:forget', { id: value.id });
      this.load();
    } catch (err) {
      this.refused(err);
    }
  };

  /** What stands in the way is counted by the undo itself: a refusal stays on the batch's row. */
  undo = async (batch: BatchSummary): Promise<void> => {
    try {
      const r = await this.api.invoke('conflicts:undo', { batchId: batch.id });
      this.set({
        notice: {
          text: `Undone: ${r.batch.description} · ${r.reopened} open again.`,
          error: false,
        },
      });
    } catch (err) {
      this.refused(err);
      // The error crosses from the preload's (or the harness's) client: its code, not its class.
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'undo_blocked' || code === 'nothing_to_undo')
        this.set({ undoRefused: { ...this.snap.undoRefused, [batch.id]: errorText(err) } });
    }
    this.load();
  };

  dismiss = (): void => this.set({ notice: null });

  // ---- the rule dialog: name, what it matches, its decision and mode ----------------------

  startEdit = (rule: SavedRuleView): void =>
    this.set({ editing: { rule, draft: draftOf(rule), dryRun: null, saving: false, error: null } });

  cancelEdit = (): void => this.set({ editing: null });

  /** A change to the draft; a dry run of another match or decision no longer counts (see editState). */
  changeEdit = (patch: Partial<RuleDraft>): void => {
    const e = this.snap.editing;
    if (e) this.set({ editing: { ...e, draft: { ...e.draft, ...patch }, error: null } });
  };

  /** The edited rule's dry run over the conflicts open now, before it is saved. */
  dryRunEdit = async (): Promise<void> => {
    const e = this.snap.editing;
    if (!e) return;
    const { key, checked } = editState(e.rule, e.draft, e.dryRun);
    if (!key || !checked) return;
    this.set({ editing: { ...e, dryRun: { key, preview: null, error: null } } });
    try {
      const preview = await this.api.invoke('rules:dryRun', {
        match: checked.match,
        decision: checked.decision,
      });
      const cur = this.snap.editing;
      if (cur?.dryRun?.key === key)
        this.set({ editing: { ...cur, dryRun: { key, preview, error: null } } });
    } catch (err) {
      const cur = this.snap.editing;
      if (cur?.dryRun?.key === key)
        this.set({ editing: { ...cur, dryRun: { key, preview: null, error: errorText(err) } } });
    }
  };

  /** Saves what changed; automatic with a new match or decision only once its dry run was shown. */
  saveEdit = async (): Promise<void> => {
    const e = this.snap.editing;
    if (!e || e.saving) return;
    const state = editState(e.rule, e.draft, e.dryRun);
    if (!state.canSave) return;
    this.set({ editing: { ...e, saving: true } });
    const ok = await this.update(e.rule, state.patch, state.needsDryRun && state.dryRunShown);
    const cur = this.snap.editing;
    if (ok) this.set({ editing: null });
    else if (cur)
      this.set({ editing: { ...cur, saving: false, error: this.snap.notice?.text ?? null } });
  };

  private async update(
    rule: SavedRuleView,
    patch: {
      name?: string;
      enabled?: boolean;
      mode?: 'proposed' | 'automatic';
      match?: RuleMatchIn;
      decision?: RuleDecision;
    },
    dryRunSeen: boolean,
  ): Promise<boolean> {
    try {
      const r = await this.api.invoke('rules:update', { id: rule.id, patch, dryRunSeen });
      this.set({
        notice: {
          text: `Rule “${r.name}”: ${r.enabled ? r.mode : 'disabled'}.`,
          error: false,
        },
      });
      this.load();
      return true;
    } catch (err) {
      this.refused(err);
      return false;
    }
  }

  private readonly refused = (err: unknown): void =>
    this.set({ notice: { text: errorText(err), error: true } });

  private set(patch: Partial<RulesSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.listeners.forEach((l) => l());
  }
}
