import { errorText } from '../error-text';
import { cancelRange, completeRange, type Selection } from './selection';

/** Where a screen keeps its selection, as a pending range needs it. */
export interface SelectionHolder<Id> {
  current(): Selection<Id>;
  set(selection: Selection<Id>): void;
  /** Tell the person why the range was not selected. */
  say(text: string): void;
}

/**
 * Fills a pending Shift-click range (startRange) with the ids `idsAt` brings
 * from the core for its rows not loaded. The answer counts only while the
 * selection is still the one that asked: a new query (which starts a new
 * selection) or another click meanwhile makes it a late answer, dropped, so
 * positions of one query never select rows of another.
 */
export function fillRange<Id>(
  asked: Selection<Id>,
  holder: SelectionHolder<Id>,
  idsAt: (offset: number, limit: number) => Promise<Id[]>,
): void {
  const p = asked.pending;
  if (!p) return;
  idsAt(p.offset, p.limit).then(
    (ids) => {
      if (holder.current() === asked) holder.set(completeRange(asked, ids));
    },
    (err: unknown) => {
      if (holder.current() !== asked) return;
      holder.set(cancelRange(asked));
      holder.say(`The range was not selected: ${errorText(err)}`);
    },
  );
}

/** The ids of a table's rows for a Shift-click: those loaded now, and any by position from the core. */
export interface RowIds<Id> {
  idAt(index: number): Id | undefined;
  idsAt(offset: number, limit: number): Promise<Id[]>;
}
