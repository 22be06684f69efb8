import { MAX_RANGE_ROWS } from '../../../shared/ipc/bounded';
import { formatNumber } from '../intl';

/**
 * Why the ticked operations cannot be one action, in words (null: they can).
 * The core takes at most MAX_RANGE_ROWS opIds in one target, and ticks from
 * several Shift-click ranges can add up past that; sent anyway, the request
 * would be refused as malformed, which tells a person nothing.
 */
export function selectionTooLarge(ticked: number): string | null {
  if (ticked <= MAX_RANGE_ROWS) return null;
  return `${formatNumber(ticked)} operations are ticked; one action takes at most ${formatNumber(MAX_RANGE_ROWS)} of them. Filter the queue down to them and use “Retry all” or the other actions on all matches, or act on them in parts.`;
}
