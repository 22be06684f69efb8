/**
 * Numbers, dates and times in the person's own format. Intl given no locale
 * uses the runtime's default, which Electron takes from the operating system
 * (and a test sets through the browser's locale): nothing here names one.
 * Times that are compared across machines (the audit trail, the run history,
 * the retry queue) carry their zone; a bare clock time is only for "now-ish".
 */

const numbers = new Intl.NumberFormat();

/** 1,234 (en-US), 1.234 (de-DE), 1 234 (fr-FR). */
export function formatNumber(n: number): string {
  return numbers.format(n);
}

const dateTimes = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(opts);
  let f = dateTimes.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, opts);
    dateTimes.set(key, f);
  }
  return f;
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface WhenOptions {
  /** Show the time zone (e.g. "CET", "GMT+2"): for times people compare or report. */
  zone?: boolean;
  seconds?: boolean;
  /** Leave the year out (tables where every row is recent). */
  short?: boolean;
}

/** A date and time in the OS locale, "—" when there is none. */
export function formatDateTime(iso: string | null | undefined, opts: WhenOptions = {}): string {
  const d = parse(iso);
  if (!d) return '—';
  return dateTimeFormat({
    ...(opts.short ? {} : { year: 'numeric' }),
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(opts.seconds ? { second: '2-digit' } : {}),
    ...(opts.zone ? { timeZoneName: 'short' } : {}),
  }).format(d);
}

/** The OS time zone's name (e.g. "Europe/Berlin"), for inputs that say which zone they mean. */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}
