/**
 * Which lines of a virtual table a render draws in full while it scrolls.
 *
 * The T7 profile: after a jump, when the pages land, the whole window (the
 * viewport and ten lines either side, 30-odd) was built in one frame, 25–35 ms
 * of CPU, several times per jump. The viewport's lines must be drawn in the
 * frame they show; the lines beyond it can wait a frame or two. So while the
 * table scrolls, a render draws every line already drawn, every line in the
 * viewport, and new lines outside it only while fewer than `room` lines were
 * new, the nearest in the scroll's way first. The rest wait (a cheap
 * placeholder) and are drawn as the scroll brings them in, or when it rests.
 */
export function linesToDraw<Id>(opts: {
  /** The window's lines in order, with whether each is in the viewport. */
  lines: readonly { id: Id; inView: boolean }[];
  /** Drawn in full at the last render. */
  drawn: ReadonlySet<Id>;
  /** How many new lines a render may draw (the viewport's count too); Infinity when at rest. */
  room: number;
  /** The scroll's way: lines ahead of it are drawn first (below the viewport unless 'backward'). */
  direction: 'forward' | 'backward' | null;
}): Set<Id> {
  const full = new Set<Id>();
  let room = opts.room;
  // The new lines outside the viewport, each side's nearest first.
  const above: Id[] = [];
  const below: Id[] = [];
  let pastView = false;
  for (const { id, inView } of opts.lines) {
    if (inView) pastView = true;
    if (opts.drawn.has(id)) full.add(id);
    else if (inView) {
      full.add(id);
      room--;
    } else if (pastView) below.push(id);
    else above.unshift(id);
  }
  const waiting = opts.direction === 'backward' ? [...above, ...below] : [...below, ...above];
  for (const id of waiting) if (room-- > 0) full.add(id);
  return full;
}

/** The lines a table drew at its last commit: kept by the table between renders. */
export class DrawnLines<Id> {
  private drawn: ReadonlySet<Id> = new Set<Id>();
  get ids(): ReadonlySet<Id> {
    return this.drawn;
  }
  /** Called once the render that drew `ids` is committed (a discarded render draws nothing). */
  remember(ids: ReadonlySet<Id>): void {
    this.drawn = ids;
  }
}
