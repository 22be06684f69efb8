import { useCallback, useEffect, useRef, useState } from 'react';
import type { PageCursor, VisitorRow, VisitorSort } from '../../../shared/ipc/contract';
import { errorText, getApi } from '../api';

export const BLOCK_SIZE = 100;

interface Block {
  rows: VisitorRow[];
  last: PageCursor | null;
}

/**
 * The renderer never holds the whole set: it keeps the blocks of rows near the
 * viewport, fetched from main on demand. Sequential scrolling asks for the next
 * block with the previous block's last row as a keyset cursor (an index seek);
 * a jump falls back to OFFSET. After a change, stale blocks stay on screen
 * until their fresh copies arrive, so the table never flashes empty.
 */
export function usePagedRows(search: string, sort: VisitorSort) {
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setTick] = useState(0);
  const blocks = useRef(new Map<number, Block>());
  const stale = useRef(new Map<number, Block>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const wanted = useRef<[number, number]>([0, 0]);

  const fetchBlock = useCallback(
    (b: number) => {
      if (blocks.current.has(b) || loading.current.has(b)) return;
      const gen = generation.current;
      loading.current.add(b);
      const after = b > 0 ? (blocks.current.get(b - 1)?.last ?? undefined) : undefined;
      getApi()
        .invoke('visitors:page', { search, sort, offset: b * BLOCK_SIZE, limit: BLOCK_SIZE, after })
        .then(
          (page) => {
            if (gen !== generation.current) return;
            blocks.current.set(b, page);
            stale.current.delete(b);
            setTick((t) => t + 1);
          },
          (err: unknown) => gen === generation.current && setError(errorText(err)),
        )
        .finally(() => gen === generation.current && loading.current.delete(b));
    },
    [search, sort],
  );

  /** Ask for the rows [start, end] (inclusive); call on every scroll. */
  const ensureRange = useCallback(
    (start: number, end: number) => {
      wanted.current = [start, end];
      for (let b = Math.floor(start / BLOCK_SIZE); b <= Math.floor(end / BLOCK_SIZE); b++) fetchBlock(b);
    },
    [fetchBlock],
  );

  const refresh = useCallback(
    (keepRows: boolean) => {
      generation.current++;
      stale.current = keepRows ? new Map([...stale.current, ...blocks.current]) : new Map();
      blocks.current = new Map();
      loading.current = new Set();
      setError(null);
      const gen = generation.current;
      getApi()
        .invoke('visitors:count', { search })
        .then(
          ({ total }) => gen === generation.current && setTotal(total),
          (err: unknown) => setError(errorText(err)),
        );
      const [start, end] = wanted.current;
      for (let b = Math.floor(start / BLOCK_SIZE); b <= Math.floor(end / BLOCK_SIZE); b++) fetchBlock(b);
      setTick((t) => t + 1);
    },
    [search, fetchBlock],
  );

  // A new query starts from scratch; old rows would be in the wrong order.
  useEffect(() => refresh(false), [refresh]);

  useEffect(() => getApi().on('visitors:changed', () => refresh(true)), [refresh]);

  const getRow = useCallback((index: number): VisitorRow | undefined => {
    const b = Math.floor(index / BLOCK_SIZE);
    const block = blocks.current.get(b) ?? stale.current.get(b);
    return block?.rows[index % BLOCK_SIZE];
  }, []);

  return { total, error, getRow, ensureRange, refresh };
}
