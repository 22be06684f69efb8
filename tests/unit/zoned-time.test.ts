import { describe, expect, it } from 'vitest';
import {
  isoToWallTime,
  timeZones,
  wallTimeToIso,
  zoneOffsetMs,
} from '../../renderer/src/zoned-time';

describe('capturedAt in an explicit time zone', () => {
  it('reads the wall clock in the zone given, whatever the computer’s zone', () => {
    expect(wallTimeToIso('2026-07-01T09:30', 'Europe/Berlin')).toBe('2026-07-01T07:30:00.000Z');
    expect(wallTimeToIso('2026-01-15T09:30:15', 'Europe/Berlin')).toBe('2026-01-15T08:30:15.000Z');
    expect(wallTimeToIso('2026-01-15T09:30', 'America/New_York')).toBe('2026-01-15T14:30:00.000Z');
    expect(wallTimeToIso('2026-01-15T09:30', 'UTC')).toBe('2026-01-15T09:30:00.000Z');
    expect(wallTimeToIso('2026-01-15T09:30', 'Asia/Kolkata')).toBe('2026-01-15T04:00:00.000Z');
  });

  it('round-trips through the input’s wall time', () => {
    for (const zone of ['Europe/Berlin', 'America/Los_Angeles', 'Australia/Adelaide', 'UTC']) {
      const iso = '2026-10-25T01:15:30.000Z';
      expect(wallTimeToIso(isoToWallTime(iso, zone), zone)).toBe(iso);
    }
  });

  it('handles the days the clocks change', () => {
    // Berlin, last Sunday of March: 02:00 → 03:00. 03:30 is CEST (+2).
    expect(wallTimeToIso('2026-03-29T03:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(zoneOffsetMs(Date.parse('2026-03-29T00:30:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toBe(7_200_000);
  });

  it('refuses what is not a time or not a zone', () => {
    expect(wallTimeToIso('yesterday', 'UTC')).toBeNull();
    expect(wallTimeToIso('2026-01-15T09:30', 'Mars/Olympus')).toBeNull();
    expect(isoToWallTime('nope', 'UTC')).toBe('');
  });

  it('offers the computer’s zone first', () => {
    const zones = timeZones('Europe/Berlin');
    expect(zones[0]).toBe('Europe/Berlin');
    expect(zones.filter((z) => z === 'Europe/Berlin')).toHaveLength(1);
    expect(zones).toContain('America/New_York');
  });
});
