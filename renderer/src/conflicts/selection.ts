import {
  type ConflictFilterIn,
  type ConflictTargetIn,
  MAX_TARGET_IDS,
} from '../../../shared/ipc/conflicts-contract';
import { formatNumber } from '../intl';
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

/**
 * Why this selection cannot be one bulk action, in words (null: it can). The
 * core takes at most MAX_TARGET_IDS ids; past that the request would be
 * refused as malformed, which tells a person nothing.
 */
export function targetTooLarge(s: Selection): string | null {
  if (s.ids.size <= MAX_TARGET_IDS) return null;
  const n = formatNumber(s.ids.size);
  const max = formatNumber(MAX_TARGET_IDS);
  return s.all
    ? `${n} conflicts are unticked from “Select all”; at most ${max} can be left out of one decision. Narrow the filter instead, or clear the selection and pick fewer.`
    : `${n} conflicts are picked one by one; one decision takes at most ${max} of them. Filter the list and use “Select all”, or decide them in parts.`;
}
