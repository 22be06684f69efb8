import type { Api } from '../../../shared/ipc/client';
import type { PageCursor, VisitorRow, VisitorSort } from '../../../shared/ipc/contract';
import { errorText } from '../error-text';

export const BLOCK_SIZE = 100;

interface Block {
  rows: VisitorRow[];
  last: PageCursor | null;
}

/**
 * The rows of one query (search + sort), as far as the window needs them.
 * The renderer never holds the whole set: it keeps blocks of rows near the
 * viewport, fetched from main on demand. Scrolling down asks for the next
 * block with the previous block's last row as a keyset cursor (an index
 * seek); a jump falls back to OFFSET. After a change, stale blocks stay on
 * screen until their fresh copies arrive, so the table never flashes empty.
 * Plain TypeScript with a subscribe/snapshot pair for useSyncExternalStore.
 */
export class PagedRows {
  total: number | null = null;
  error: string | null = null;
  private blocks = new Map<number, Block>();
  private stale = new Map<number, Block>();
  private loading = new Set<number>();
  private generation = 0;
  private version = 0;
  private wanted: [number, number] = [0, 0];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: Api,
    readonly search: string,
    readonly sort: VisitorSort,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever rows, total or error change. */
  getVersion = (): number => this.version;

  getRow = (index: number): VisitorRow | undefined => {
    const b = Math.floor(index / BLOCK_SIZE);
    return (this.blocks.get(b) ?? this.stale.get(b))?.rows[index % BLOCK_SIZE];
  };

  /** Ask for the rows [start, end] (inclusive); called on every scroll. */
  ensureRange = (start: number, end: number): void => {
    this.wanted = [start, end];
    for (let b = Math.floor(start / BLOCK_SIZE); b <= Math.floor(end / BLOCK_SIZE); b++)
      this.fetchBlock(b);
  };

  /** Count the rows; the table asks for the blocks it shows through ensureRange. */
  start = (): void => this.count(this.generation);

  /** Recount and refetch what is on screen, showing the old rows meanwhile. */
  refresh = (): void => {
    const gen = ++this.generation;
    this.stale = new Map([...this.stale, ...this.blocks]);
    this.blocks = new Map();
    this.loading = new Set();
    this.count(gen);
    this.ensureRange(...this.wanted);
  };

  private count(gen: number): void {
    this.api.invoke('visitors:count', { search: this.search }).then(
      ({ total }) =>
        this.update(gen, () => {
          this.total = total;
          this.error = null;
        }),
      (err: unknown) => this.update(gen, () => (this.error = errorText(err))),
    );
  }

  /** Drop whatever is in flight (the query changed or the table went away). */
  stop = (): void => {
    this.generation++;
  };

  private fetchBlock(b: number): void {
    if (this.blocks.has(b) || this.loading.has(b)) return;
    const gen = this.generation;
    this.loading.add(b);
    const after = b > 0 ? (this.blocks.get(b - 1)?.last ?? undefined) : undefined;
    this.api
      .invoke('visitors:page', {
        search: this.search,
        sort: this.sort,
        offset: b * BLOCK_SIZE,
        limit: BLOCK_SIZE,
        after,
      })
      .then(
        (page) =>
          this.update(gen, () => {
            this.blocks.set(b, page);
            this.stale.delete(b);
          }),
        (err: unknown) => this.update(gen, () => (this.error = errorText(err))),
      )
      .finally(() => gen === this.generation && this.loading.delete(b));
  }

  private update(gen: number, change: () => void): void {
    if (gen !== this.generation) return;
    change();
    this.version++;
    this.listeners.forEach((l) => l());
  }
}
