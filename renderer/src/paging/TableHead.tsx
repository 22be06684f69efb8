import { flexRender, type Table } from '@tanstack/react-table';
import {
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type TouchEvent,
} from 'react';
import type { TableShaping } from './use-table-layout';

/** How far one arrow key press moves a column edge. */
const KEY_STEP_PX = 16;

/**
 * The header row of a virtualised table: sortable columns toggle their sort
 * (done by main, the table is manual) and say it with aria-sort and a mark.
 * `leading` is a cell before the columns (e.g. the selection column's head).
 * With `shaping`, each column edge drags (or takes arrow keys) to resize, a
 * header drags onto another to reorder (the Columns button, ShapedFrame, does the rest).
 */
export function TableHead<Row>({
  table,
  leading,
  shaping,
  grid,
}: {
  table: Table<Row>;
  leading?: ReactNode;
  shaping?: TableShaping;
  grid?: string;
}) {
  const [dragging, setDragging] = useState<string | null>(null);
  // A press on a column edge resizes; it must not also start dragging the header it sits in.
  const onEdge = useRef(false);
  const grabEdge = (start: (e: unknown) => void) => (e: MouseEvent | TouchEvent) => {
    onEdge.current = true;
    window.addEventListener('mouseup', () => (onEdge.current = false), { once: true });
    window.addEventListener('touchend', () => (onEdge.current = false), { once: true });
    start(e);
  };
  const label = (id: string) => shaping?.specs.find((s) => s.id === id)?.label ?? id;
  const onEdgeKey = (id: string, width: number) => (e: KeyboardEvent) => {
    if (!shaping) return;
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    e.stopPropagation();
    shaping.setWidth(id, width + (e.key === 'ArrowRight' ? KEY_STEP_PX : -KEY_STEP_PX));
  };
  return (
    <div className={`vtable-head${shaping ? ' shaped' : ''}`} role="rowgroup">
      {table.getHeaderGroups().map((hg) => (
        <div
          className="vtable-row"
          role="row"
          key={hg.id}
          style={grid ? { gridTemplateColumns: grid } : undefined}
        >
          {leading}
          {hg.headers.map((h) => {
            const sorted = h.column.getIsSorted();
            const id = h.column.id;
            const shaped = shaping?.layout.order.includes(id) === true;
            return (
              <div
                key={h.id}
                role="columnheader"
                className={`vtable-cell col-${id}${h.column.getCanSort() ? ' sortable' : ''}${dragging && dragging !== id ? ' drop-target' : ''}`}
                aria-sort={
                  sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'
                }
                draggable={shaped}
                onDragStart={
                  shaped
                    ? (e) => {
                        if (onEdge.current) {
                          e.preventDefault();
                          return;
                        }
                        e.dataTransfer.setData('text/x-column', id);
                        e.dataTransfer.effectAllowed = 'move';
                        setDragging(id);
                      }
                    : undefined
                }
                onDragEnd={() => setDragging(null)}
                onDragOver={shaped && dragging ? (e) => e.preventDefault() : undefined}
                onDrop={
                  shaped
                    ? (e) => {
                        e.preventDefault();
                        const from = e.dataTransfer.getData('text/x-column');
                        if (from) shaping!.moveTo(from, id);
                        setDragging(null);
                      }
                    : undefined
                }
                onClick={h.column.getCanSort() ? h.column.getToggleSortingHandler() : undefined}
              >
                {flexRender(h.column.columnDef.header, h.getContext())}
                {sorted && <span className="sort-mark">{sorted === 'asc' ? ' ▲' : ' ▼'}</span>}
                {shaped && (
                  <div
                    role="separator"
                    aria-orientation="vertical"
                    aria-label={`Width of ${label(id)}`}
                    aria-valuenow={h.getSize()}
                    aria-valuemin={48}
                    aria-valuemax={1200}
                    tabIndex={0}
                    className={`col-resizer${h.column.getIsResizing() ? ' resizing' : ''}`}
                    data-testid={`resize-${id}`}
                    onMouseDown={grabEdge(h.getResizeHandler())}
                    onTouchStart={grabEdge(h.getResizeHandler())}
                    onClick={(e) => e.stopPropagation()}
                    onKeyDown={onEdgeKey(id, h.getSize())}
                  />
                )}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
