/**
 * A wall-clock time in a named time zone, and back. The capturedAt input
 * takes a date and time plus the zone it was read in (a badge scanned at a
 * fair in another country), so the stored instant does not depend on the
 * zone of the computer typing it. Pure, unit-tested (tests/unit/zoned-time.test.ts).
 */

const parts = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's clock is ahead of UTC at the instant `utcMs`, in milliseconds. */
export function zoneOffsetMs(utcMs: number, zone: string): number {
  let f = parts.get(zone);
  if (!f) {
    // A fixed numbering system and 24-hour cycle: this output is parsed, never shown.
    f = new Intl.DateTimeFormat('en-GB-u-nu-latn', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    parts.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** "2026-03-29T02:30" read in `zone` → the ISO instant, or null when it is not a time. */
export function wallTimeToIso(wall: string, zone: string): string | null {
  const m = WALL.exec(wall);
  if (!m || !isTimeZone(zone)) return null;
  const [, y, mo, d, h, mi, s] = m;
  const guess = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, s ? +s : 0);
  if (Number.isNaN(guess)) return null;
  // Twice: the first offset may be the one on the other side of a daylight-saving change.
  let utc = guess - zoneOffsetMs(guess, zone);
  utc = guess - zoneOffsetMs(utc, zone);
  return new Date(utc).toISOString();
}

/** The ISO instant as the wall clock of `zone` shows it, for a datetime-local input. */
export function isoToWallTime(iso: string, zone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || !isTimeZone(zone)) return '';
  return new Date(ms + zoneOffsetMs(ms, zone)).toISOString().slice(0, 19);
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Every zone the runtime knows, for the zone picker (the OS zone first). */
export function timeZones(local: string): string[] {
  const all = Intl.supportedValuesOf('timeZone');
  return [local, ...all.filter((z) => z !== local)];
}
