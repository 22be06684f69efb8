import type { BenchResult } from './harness';

/**
 * A figure as the table prints it: thousands grouped, small numbers to three
 * digits; a failed benchmark's missing figure (NaN, null once read back from
 * JSON) as a dash.
 */
export function formatFigure(n: number | null): string {
  if (n === null || Number.isNaN(n)) return '—';
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

export function formatRatio(ratio: number | null): string {
  return ratio === null || Number.isNaN(ratio) ? '—' : ratio.toFixed(2);
}

export function formatTarget(r: BenchResult): string {
  if (r.target === null) return '';
  if (r.goal === 'valueAtMost') return `≤ ${r.target} ${r.unit}`;
  // 1 / 1.5 (T1b's time limit as a rate ratio) prints as 0.67, not 0.6666666666666666.
  return `${r.goal === 'atLeast' ? '≥' : '≤'} ${Number(r.target.toFixed(2))}×`;
}

export function formatMet(r: BenchResult): string {
  return r.met === null ? '' : r.met ? 'yes' : 'NO';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const withUnit = (n: number | null, unit: string) =>
  unit ? `${formatFigure(n)} ${cell(unit)}` : formatFigure(n);

/**
 * The same table the run prints, as Markdown, headed by when and where it
 * ran: README shows it between its bench markers, so the table there is
 * always the last run's.
 */
export function markdownTable(
  results: BenchResult[],
  run: { at: string; machine: { cpus: number; memGiB: number; node: string }; full: boolean },
): string {
  const head = `Last run: ${run.at.slice(0, 10)} (${run.at.slice(11, 16)} UTC), ${run.machine.cpus} cores, ${run.machine.memGiB} GiB, Node ${run.machine.node}${run.full ? ', --full' : ''}.`;
  const lines = [
    '| id | what | value | raw baseline (same run) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${cell(r.id)} | ${cell(r.what)} | ${withUnit(r.value, r.unit)} | ${withUnit(r.baseline, r.unit)}, ${cell(r.baselineIs)} | ${formatRatio(r.ratio)} | ${formatTarget(r)} | ${formatMet(r)} |`,
    ),
  ];
  return `${head}\n\n${lines.join('\n')}\n`;
}

export const README_START = '<!-- bench table: written by npm run bench -->';
export const README_END = '<!-- end of bench table -->';

/** README with the text between the bench markers replaced; unchanged when the markers are absent. */
export function replaceReadmeTable(readme: string, table: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return readme;
  return `${readme.slice(0, start + README_START.length)}\n\n${table}\n${readme.slice(end)}`;
}
