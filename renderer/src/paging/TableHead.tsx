import { flexRender, type Table } from '@tanstack/react-table';
import type { ReactNode } from 'react';

/**
 * The header row of a virtualised table: sortable columns toggle their sort
 * (done by main, the table is manual) and say it with aria-sort and a mark.
 * `leading` is a cell before the columns (e.g. the selection column's head).
 */
export function TableHead<Row>({ table, leading }: { table: Table<Row>; leading?: ReactNode }) {
  return (
    <div className="vtable-head" role="rowgroup">
      {table.getHeaderGroups().map((hg) => (
        <div className="vtable-row" role="row" key={hg.id}>
          {leading}
          {hg.headers.map((h) => {
            const sorted = h.column.getIsSorted();
            return (
              <div
                key={h.id}
                role="columnheader"
                className={`vtable-cell col-${h.id}${h.column.getCanSort() ? ' sortable' : ''}`}
                aria-sort={
                  sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'
                }
                onClick={h.column.getCanSort() ? h.column.getToggleSortingHandler() : undefined}
              >
                {flexRender(h.column.columnDef.header, h.getContext())}
                {sorted && <span className="sort-mark">{sorted === 'asc' ? ' ▲' : ' ▼'}</span>}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
