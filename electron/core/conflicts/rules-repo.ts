import type { Statement } from 'better-sqlite3';
import {
  RuleDecisionSchema,
  RuleMatchSchema,
  type RuleDecision,
  type RuleMatch,
  type RuleMode,
} from '../../../shared/resolve/saved-rules';
import type { Db } from '../db/open';

export interface SavedRule {
  id: number;
  name: string;
  match: RuleMatch;
  decision: RuleDecision;
  mode: RuleMode;
  enabled: boolean;
  /** Conflicts it gave a draft to or resolved, over its life. */
  matched: number;
  createdAt: string;
  updatedAt: string;
}

interface SqlRule {
  id: number;
  name: string;
  match: string;
  decision: string;
  mode: RuleMode;
  enabled: number;
  matched: number;
  created_at: string;
  updated_at: string;
}

/**
 * A stored rule is parsed on every read: one an older console wrote that no
 * longer parses is left out of matching rather than trusted.
 */
function ruleOf(r: SqlRule): SavedRule | null {
  const match = RuleMatchSchema.safeParse(JSON.parse(r.match));
  const decision = RuleDecisionSchema.safeParse(JSON.parse(r.decision));
  if (!match.success || !decision.success) return null;
  return {
    id: r.id,
    name: r.name,
    match: match.data,
    decision: decision.data,
    mode: r.mode,
    enabled: r.enabled === 1,
    matched: r.matched,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** All SQL touching resolve_rules. */
export class RulesRepo {
  private readonly allStmt: Statement<[], SqlRule>;
  private readonly byNameStmt: Statement<[string], SqlRule>;
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly deleteStmt: Statement<[number]>;
  private readonly bumpStmt: Statement<[number, number]>;

  constructor(db: Db) {
    // Oldest first: a conflict two rules match takes the older one's decision.
    this.allStmt = db.prepare('SELECT * FROM resolve_rules ORDER BY id');
    this.byNameStmt = db.prepare('SELECT * FROM resolve_rules WHERE name = ? COLLATE NOCASE');
    this.insertStmt = db.prepare(`
      INSERT INTO resolve_rules (name, match, decision, mode, enabled, created_at, updated_at)
      VALUES (@name, @match, @decision, @mode, 1, @at, @at)`);
    this.updateStmt = db.prepare(`
      UPDATE resolve_rules SET name = @name, match = @match, decision = @decision, mode = @mode,
        enabled = @enabled, updated_at = @at
      WHERE id = @id`);
    this.deleteStmt = db.prepare('DELETE FROM resolve_rules WHERE id = ?');
    this.bumpStmt = db.prepare('UPDATE resolve_rules SET matched = matched + ? WHERE id = ?');
  }

  all(): SavedRule[] {
    return this.allStmt.all().flatMap((r) => ruleOf(r) ?? []);
  }

  byName(name: string): SavedRule | null {
    const r = this.byNameStmt.get(name.trim());
    return r ? ruleOf(r) : null;
  }

  insert(
    r: { name: string; match: RuleMatch; decision: RuleDecision; mode: RuleMode },
    at: string,
  ): number {
    return Number(
      this.insertStmt.run({
        name: r.name,
        match: JSON.stringify(r.match),
        decision: JSON.stringify(r.decision),
        mode: r.mode,
        at,
      }).lastInsertRowid,
    );
  }

  update(r: SavedRule, at: string): void {
    this.updateStmt.run({
      id: r.id,
      name: r.name,
      match: JSON.stringify(r.match),
      decision: JSON.stringify(r.decision),
      mode: r.mode,
      enabled: r.enabled ? 1 : 0,
      at,
    });
  }

  delete(id: number): boolean {
    return this.deleteStmt.run(id).changes === 1;
  }

  addMatched(id: number, n: number): void {
    if (n > 0) this.bumpStmt.run(n, id);
  }
}
