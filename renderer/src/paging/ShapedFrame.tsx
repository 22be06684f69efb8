import type { ReactNode } from 'react';
import { ColumnChooser } from './ColumnChooser';
import type { TableShaping } from './use-table-layout';

/**
 * A shaped table with its Columns button over the header's right end. The
 * button sits outside the element with role="table": a table may own rows only.
 */
export function ShapedFrame({ shaping, children }: { shaping: TableShaping; children: ReactNode }) {
  return (
    <div className="vtable-frame">
      {children}
      <ColumnChooser shaping={shaping} />
    </div>
  );
}
