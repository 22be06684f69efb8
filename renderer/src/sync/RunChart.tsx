import type { SyncRun } from '../../../shared/ipc/contract';
import { dateTime, formatCount } from './format';

/**
 * Operations, conflicts and errors per run over time, drawn by hand in SVG
 * (no chart package): one group of three bars per run, oldest on the left,
 * on a square-root scale so a run of 10 000 does not flatten runs of 3.
 */
const SERIES = [
  { key: 'ops', label: 'Operations', color: '#2463eb' },
  { key: 'conflicts', label: 'Conflicts', color: '#a86400' },
  { key: 'errors', label: 'Errors', color: '#c0362c' },
] as const;

const W = 640;
const H = 120;
const PAD = { left: 36, right: 8, top: 8, bottom: 18 };

export function runSeries(run: SyncRun) {
  return {
    ops: run.created + run.updated + run.deleted,
    conflicts: run.conflicts,
    errors: run.errors,
  };
}

export function RunChart({ runs }: { runs: SyncRun[] }) {
  const shown = runs.slice(0, 40).reverse();
  if (shown.length === 0) return null;
  const values = shown.map(runSeries);
  const max = Math.max(1, ...values.flatMap((v) => [v.ops, v.conflicts, v.errors]));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / shown.length;
  const bar = Math.max(1, Math.min(10, (slot - 4) / 3));
  const y = (n: number) => PAD.top + plotH - (Math.sqrt(n) / Math.sqrt(max)) * plotH;
  const summary = `${shown.length} runs; most operations in one run: ${formatCount(Math.max(...values.map((v) => v.ops)))}, conflicts: ${formatCount(Math.max(...values.map((v) => v.conflicts)))}, errors: ${formatCount(Math.max(...values.map((v) => v.errors)))}.`;
  return (
    <figure className="run-chart" style={{ margin: '0 0 10px' }}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`Operations, conflicts and errors per run, oldest first. ${summary}`}
        data-testid="run-chart"
        style={{ maxWidth: W, display: 'block' }}
      >
        <line
          x1={PAD.left}
          x2={W - PAD.right}
          y1={PAD.top + plotH}
          y2={PAD.top + plotH}
          stroke="#dde1e6"
        />
        <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end" fontSize="10" fill="#5d6875">
          {formatCount(max)}
        </text>
        <text x={PAD.left - 4} y={PAD.top + plotH} textAnchor="end" fontSize="10" fill="#5d6875">
          0
        </text>
        {shown.map((run, i) =>
          SERIES.map((s, k) => {
            const v = values[i]![s.key];
            const top = y(v);
            return (
              <rect
                key={`${run.id}-${s.key}`}
                data-testid={`chart-${s.key}`}
                x={PAD.left + i * slot + (slot - 3 * bar) / 2 + k * bar}
                y={top}
                width={bar - 0.5}
                height={Math.max(0, PAD.top + plotH - top)}
                fill={s.color}
              >
                <title>{`Run ${run.id} · ${dateTime(run.startedAt)} · ${s.label}: ${formatCount(v)}`}</title>
              </rect>
            );
          }),
        )}
        {shown.length > 1 && (
          <>
            <text x={PAD.left} y={H - 4} fontSize="10" fill="#5d6875">
              {dateTime(shown[0]!.startedAt)}
            </text>
            <text x={W - PAD.right} y={H - 4} fontSize="10" fill="#5d6875" textAnchor="end">
              {dateTime(shown.at(-1)!.startedAt)}
            </text>
          </>
        )}
      </svg>
      <figcaption style={{ display: 'flex', gap: 14, fontSize: 12, color: '#5d6875' }}>
        {SERIES.map((s) => (
          <span key={s.key}>
            <span
              aria-hidden="true"
              style={{
                display: 'inline-block',
                width: 10,
                height: 10,
                background: s.color,
                marginRight: 4,
              }}
            />
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
