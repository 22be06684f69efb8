import type { Clock } from '../clock';
import type { Jobs } from '../jobs/jobs';
import type { Repos } from '../repos';
import { RuleBook } from './rule-book';
import { ConflictWorkspace } from './workspace';

/** The workspace and its saved rules over one core's parts (state lives in SQLite, not here). */
export function conflictServices(deps: {
  repos: Repos;
  read: Repos;
  write: <T>(fn: () => T) => Promise<T>;
  jobs: Jobs;
  clock: Clock;
  actor: string;
}): { workspace: ConflictWorkspace; rules: RuleBook } {
  const workspace = new ConflictWorkspace(deps);
  const rules = new RuleBook({ ...deps, workspace });
  return { workspace, rules };
}
