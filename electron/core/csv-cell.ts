/**
 * One cell of a CSV file the console writes (audit trail, queue export):
 * RFC 4180 (quoted when needed, quotes doubled), with a leading = + - @ tab or
 * CR defused so a spreadsheet shows the text instead of running it. Values
 * that are not text are written as JSON; null and undefined as nothing.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
