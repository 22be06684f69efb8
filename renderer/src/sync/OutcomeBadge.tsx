import type { SyncRunOutcome } from '../../../shared/ipc/contract';
import { outcomeLabel, outcomeTone } from './format';

/** How a run ended, in words, with a colour that repeats them (never colour alone). */
export function OutcomeBadge({ outcome }: { outcome: SyncRunOutcome | null }) {
  return (
    <span
      className={`outcome-badge tone-${outcomeTone(outcome)}`}
      data-outcome={outcome ?? 'running'}
    >
      {outcomeLabel(outcome)}
    </span>
  );
}
