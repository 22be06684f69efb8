import type { ConflictFilterIn, ConflictTargetIn } from '../../../shared/ipc/conflicts-contract';
import type { Selection } from '../paging/selection';

export {
  EMPTY_SELECTION,
  isPending,
  isSelected,
  range,
  selectAllMatching,
  selectedCount,
  startRange,
  toggle,
  type Selection,
} from '../paging/selection';

/** What the core's bulk calls take: the ids, or the filter with its exceptions. */
export function toTarget(s: Selection, filter: ConflictFilterIn): ConflictTargetIn | null {
  if (s.all) return { filter, exceptIds: [...s.ids] };
  return s.ids.size ? { ids: [...s.ids] } : null;
}
