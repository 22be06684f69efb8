import { errorText } from '../error-text';

export const BLOCK_SIZE = 100;
/** How far past the window (in rows) the scroll direction's next block is asked for. */
const AHEAD = BLOCK_SIZE;

/** Where a paged table's rows come from: a count and a page, both asked of main. */
export interface PageSource<Row, Cursor> {
  count(): Promise<number>;
  /** `after` is the cursor of the row just before `offset`, when known: a keyset seek. */
  page(offset: number, limit: number, after?: Cursor): Promise<Page<Row, Cursor>>;
}

export interface Page<Row, Cursor> {
  rows: Row[];
  last: Cursor | null;
}

/**
 * The rows of one query (filter + sort), as far as the window needs them.
 * The renderer never holds the whole set: it keeps blocks of rows near the
 * viewport, fetched from main on demand. Scrolling down asks for the next
 * block with the previous block's last row as a keyset cursor (an index
 * seek); a jump falls back to OFFSET. After a change, stale blocks stay on
 * screen until their fresh copies arrive, so the table never flashes empty.
 * Plain TypeScript with a subscribe/snapshot pair for useSyncExternalStore.
 */
export class PagedStore<Row, Cursor> {
  total: number | null = null;
  error: string | null = null;
  private blocks = new Map<number, Page<Row, Cursor>>();
  private stale = new Map<number, Page<Row, Cursor>>();
  private loading = new Set<number>();
  private generation = 0;
  private version = 0;
  /** The version at which each block last changed, and at which the count or error did. */
  private stamps = new Map<number, number>();
  private sharedStamp = 0;
  private wanted: [number, number] = [0, 0];
  /** A refresh's count is on its way; `refreshAgain` asks for one more when it lands. */
  private refreshing = false;
  private refreshAgain = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly source: PageSource<Row, Cursor>) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever rows, total or error change. */
  getVersion = (): number => this.version;

  /**
   * Changes whenever the rows [start, end] (inclusive), the total or the error
   * change: a table compares it to leave alone a page landing out of its sight.
   */
  getVersionIn = (start: number, end: number): number => {
    let v = this.sharedStamp;
    for (let b = Math.floor(start / BLOCK_SIZE); b <= Math.floor(end / BLOCK_SIZE); b++)
      v = Math.max(v, this.stamps.get(b) ?? 0);
    return v;
  };

  getRow = (index: number): Row | undefined => {
    const b = Math.floor(index / BLOCK_SIZE);
    return (this.blocks.get(b) ?? this.stale.get(b))?.rows[index % BLOCK_SIZE];
  };

  /**
   * Ask for the rows [start, end] (inclusive); called on every scroll. The
   * block a screenful or so ahead in the direction of the scroll is asked for
   * too, so that rows are there before they scroll in and a page lands while
   * the rows on screen are already drawn (a page that lands under "Loading…"
   * rows redraws them all in that frame). Ahead downwards waits until the
   * block before it is known, so it is still a keyset seek, not an OFFSET.
   */
  ensureRange = (start: number, end: number): void => {
    const [was] = this.wanted;
    this.wanted = [start, end];
    for (let b = Math.floor(start / BLOCK_SIZE); b <= Math.floor(end / BLOCK_SIZE); b++)
      this.fetchBlock(b);
    const ahead = start > was ? end + AHEAD : start < was ? start - AHEAD : -1;
    if (this.total === null || ahead < 0 || ahead >= this.total) return;
    const b = Math.floor(ahead / BLOCK_SIZE);
    if (start < was || this.blocks.has(b - 1)) this.fetchBlock(b);
  };

  /**
   * Count the rows and, unless told not to (rows that are not shown yet), ask
   * for the first block at the same time: the table asks for the blocks it
   * shows only once it knows the count, so waiting for it would put one round
   * trip between opening the table and its first rows.
   */
  start = ({ firstPage = true }: { firstPage?: boolean } = {}): void => {
    this.count(this.generation);
    if (firstPage) this.fetchBlock(Math.floor(this.wanted[0] / BLOCK_SIZE));
  };

  /**
   * Recount and refetch what is on screen, showing the old rows meanwhile.
   * A burst of changes (a thousand edits, a sync) makes one refresh in
   * flight and one after it, not a thousand: otherwise each new refresh
   * would discard the answer of the one before and the count never land.
   */
  refresh = (): void => {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    const gen = ++this.generation;
    this.stale = new Map([...this.stale, ...this.blocks]);
    this.blocks = new Map();
    this.loading = new Set();
    this.count(gen, () => {
      this.refreshing = false;
      if (this.refreshAgain && gen === this.generation) {
        this.refreshAgain = false;
        this.refresh();
      }
    });
    this.ensureRange(...this.wanted);
  };

  private count(gen: number, done?: () => void): void {
    this.source
      .count()
      .then(
        (total) =>
          this.update(gen, () => {
            this.total = total;
            this.error = null;
          }),
        (err: unknown) => this.update(gen, () => (this.error = errorText(err))),
      )
      .finally(done);
  }

  /** Drop whatever is in flight (the query changed or the table went away). */
  stop = (): void => {
    this.refreshAgain = false;
    this.generation++;
  };

  private fetchBlock(b: number): void {
    if (this.blocks.has(b) || this.loading.has(b)) return;
    const gen = this.generation;
    this.loading.add(b);
    const after = b > 0 ? (this.blocks.get(b - 1)?.last ?? undefined) : undefined;
    this.source
      .page(b * BLOCK_SIZE, BLOCK_SIZE, after)
      .then(
        (page) =>
          this.update(
            gen,
            () => {
              this.blocks.set(b, page);
              this.stale.delete(b);
            },
            b,
          ),
        (err: unknown) => this.update(gen, () => (this.error = errorText(err))),
      )
      .finally(() => gen === this.generation && this.loading.delete(b));
  }

  /** A change of block `block`, or (without one) of the total or the error. */
  private update(gen: number, change: () => void, block?: number): void {
    if (gen !== this.generation) return;
    change();
    this.version++;
    if (block === undefined) this.sharedStamp = this.version;
    else this.stamps.set(block, this.version);
    this.listeners.forEach((l) => l());
  }
}
