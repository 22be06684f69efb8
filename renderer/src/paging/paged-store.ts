import { errorText } from '../error-text';
import { blocksToDrop } from './block-eviction';
import { BLOCK_SIZE, motionOf, planFetches, type BlockState, type Motion } from './fetch-plan';

export { BLOCK_SIZE } from './fetch-plan';

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
 * blocks with the previous block's last row as a keyset cursor (an index
 * seek); a jump falls back to OFFSET, one query for the window and the rows
 * around it. After a change, stale blocks stay on
 * screen until their fresh copies arrive, so the table never flashes empty.
 * It keeps at most MAX_BLOCKS blocks (block-eviction.ts): as a page lands,
 * those farthest from the window go, so scrolling through 100 000 rows holds
 * no more than scrolling through 5 000.
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
  /** The block of a row shown outside the window (see `keep`): never dropped. */
  private pinned: number | null = null;
  private motion: Motion = 'still';
  /** A refresh's count is on its way; `refreshAgain` asks for one more when it lands. */
  private refreshing = false;
  /** Seeded with a count and a first block: `start` asks for them again only if this says no. */
  private seeded: (() => boolean) | null = null;
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

  /**
   * Keep the block of row `index` however far the window goes (null: none),
   * for a row the screen shows outside the table's window: the focused
   * conflict in the detail pane, whose working decision would otherwise be
   * lost when its block is dropped. It does not fetch the block.
   */
  keep = (index: number | null): void => {
    this.pinned = index === null || index < 0 ? null : Math.floor(index / BLOCK_SIZE);
  };

  getRow = (index: number): Row | undefined => {
    const b = Math.floor(index / BLOCK_SIZE);
    return (this.blocks.get(b) ?? this.stale.get(b))?.rows[index % BLOCK_SIZE];
  };

  /**
   * Ask for the rows [start, end] (inclusive); called on every scroll. The
   * rows a hundred or so past the window in the scroll's way are asked for
   * too (after a jump, either way), so that they are there before they scroll
   * in and a page lands while the rows on screen are already drawn (a page
   * that lands under "Loading…" lines redraws them all in that frame).
   * planFetches (fetch-plan.ts) says which blocks and how.
   */
  ensureRange = (start: number, end: number): void => {
    this.motion = motionOf(this.wanted, [start, end]);
    this.wanted = [start, end];
    this.plan();
  };

  /** Ask for what the window lacks; again when a page lands (a block waiting for its cursor). */
  private plan(): void {
    const fetches = planFetches({
      window: this.wanted,
      motion: this.motion,
      total: this.total,
      state: this.blockState,
    });
    for (const f of fetches) this.fetchBlocks(f.block, f.blocks);
  }

  private blockState = (b: number): BlockState => {
    const block = this.blocks.get(b);
    if (block) return block.last !== null ? 'keyed' : 'known';
    return this.loading.has(b) ? 'loading' : 'missing';
  };

  /**
   * Count the rows and, unless told not to (rows that are not shown yet), ask
   * for the first block at the same time: the table asks for the blocks it
   * shows only once it knows the count, so waiting for it would put one round
   * trip between opening the table and its first rows.
   */
  start = ({ firstPage = true }: { firstPage?: boolean } = {}): void => {
    const seeded = this.seeded;
    this.seeded = null;
    // Seeded, but a change came between the first render and now (no listener was
    // attached yet): the seed's rows stay on screen while fresh ones are asked for.
    if (seeded && !seeded()) {
      this.refresh();
      return;
    }
    if (!seeded) this.count(this.generation);
    if (firstPage) this.fetchBlocks(Math.floor(this.wanted[0] / BLOCK_SIZE), 1);
  };

  /**
   * Begin with a count and a first block already in hand (asked as the window
   * started), so the table's first render has its rows; the next `start` then
   * asks for neither if `stillFresh()` says nothing changed since, else
   * refreshes. Only before `start`: it is how a store is made, not a refresh.
   */
  seed = (total: number, first: Page<Row, Cursor>, stillFresh: () => boolean): void => {
    const rows = first.rows.slice(0, BLOCK_SIZE);
    this.total = total;
    this.blocks.set(0, { rows, last: rows.length === BLOCK_SIZE ? first.last : null });
    this.seeded = stillFresh;
    this.version++;
    this.sharedStamp = this.version;
    this.stamps.set(0, this.version);
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

  /**
   * Ask for `n` blocks from block `b` in one request: by keyset after block
   * `b - 1` when its cursor is known, else by OFFSET. The answer is cut into
   * blocks; only the last one, if full, keeps the page's cursor (the others'
   * last rows are not known as cursors, and a short block's cursor would put
   * the next block's rows in the wrong place).
   */
  private fetchBlocks(b: number, n: number): void {
    const blocks = Array.from({ length: n }, (_, k) => b + k);
    if (blocks.some((k) => this.blocks.has(k) || this.loading.has(k))) return;
    const gen = this.generation;
    blocks.forEach((k) => this.loading.add(k));
    const after = b > 0 ? (this.blocks.get(b - 1)?.last ?? undefined) : undefined;
    this.source
      .page(b * BLOCK_SIZE, n * BLOCK_SIZE, after)
      .then(
        (page) => {
          // The blocks that changed: those that landed, and those dropped to make room.
          const changed = [...blocks];
          this.update(
            gen,
            () => {
              for (const [k, block] of blocks.entries()) {
                const rows = page.rows.slice(k * BLOCK_SIZE, (k + 1) * BLOCK_SIZE);
                const full = rows.length === BLOCK_SIZE;
                this.blocks.set(block, { rows, last: k === n - 1 && full ? page.last : null });
                this.stale.delete(block);
              }
              changed.push(...this.evict());
            },
            changed,
          );
          // A block past the window may be waiting for the cursor this page brought
          // (not after a failure: the next scroll or refresh asks again, not a loop).
          if (gen === this.generation) this.plan();
        },
        (err: unknown) => this.update(gen, () => (this.error = errorText(err))),
      )
      .finally(() => gen === this.generation && blocks.forEach((k) => this.loading.delete(k)));
  }

  /**
   * Drop the blocks, fresh or stale, farthest from the window while more than
   * MAX_BLOCKS are held (a block is in one map or the other, never both).
   */
  private evict(): number[] {
    const drop = blocksToDrop({
      held: [...this.blocks.keys(), ...this.stale.keys()],
      window: this.wanted,
      pinned: this.pinned,
    });
    for (const b of drop) {
      this.blocks.delete(b);
      this.stale.delete(b);
    }
    return drop;
  }

  /** A change of `blocks`, or (without them) of the total or the error. */
  private update(gen: number, change: () => void, blocks?: number[]): void {
    if (gen !== this.generation) return;
    change();
    this.version++;
    if (blocks === undefined) this.sharedStamp = this.version;
    else for (const b of blocks) this.stamps.set(b, this.version);
    this.listeners.forEach((l) => l());
  }
}
