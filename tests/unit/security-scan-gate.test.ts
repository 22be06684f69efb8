import { describe, expect, it } from 'vitest';
import { judge, readWaivers, type Finding } from '../../scripts/security-scan.mjs';

const f = (issue: string, severity: string, filename = 'electron/main/window.ts'): Finding => ({
  issue,
  severity,
  confidence: 'FIRM',
  filename,
  location: '1:1',
  sample: '',
  description: '',
  url: '',
});
const waiver = {
  check: 'PRELOAD_JS_CHECK',
  file: 'electron/main/window.ts',
  reason: 'x'.repeat(30),
};

describe('the security scan gate', () => {
  it('HIGH and CRITICAL always block, even when a waiver names them', () => {
    const hi = {
      check: 'NODE_INTEGRATION_JS_CHECK',
      file: 'electron/main/window.ts',
      reason: 'x'.repeat(40),
    };
    const v = judge([f('NODE_INTEGRATION_JS_CHECK', 'HIGH'), f('X', 'CRITICAL')], [hi]);
    expect(v.blocking.map((x) => x.issue)).toEqual(['NODE_INTEGRATION_JS_CHECK', 'X']);
  });

  it('a MEDIUM passes only with a waiver for that check in that file, with a real reason', () => {
    expect(judge([f('PRELOAD_JS_CHECK', 'MEDIUM')], [waiver]).blocking).toEqual([]);
    expect(
      judge([f('PRELOAD_JS_CHECK', 'MEDIUM', 'electron/main/other.ts')], [waiver]).blocking,
    ).toHaveLength(1);
    expect(
      judge([f('PRELOAD_JS_CHECK', 'MEDIUM')], [{ ...waiver, reason: 'ok' }]).blocking,
    ).toHaveLength(1);
    expect(judge([f('OPEN_EXTERNAL_JS_CHECK', 'MEDIUM')], [waiver]).blocking).toHaveLength(1);
  });

  it('LOW and INFORMATIONAL are listed, not blocking; unused waivers are reported', () => {
    const v = judge([f('A', 'LOW'), f('B', 'INFORMATIONAL')], [waiver]);
    expect(v.blocking).toEqual([]);
    expect(v.low).toHaveLength(2);
    expect(v.unusedWaivers).toEqual([waiver]);
  });

  it('every waiver in the repository has a check, a file and a reason of substance', () => {
    for (const w of readWaivers()) {
      expect(w.check).toMatch(/^[A-Z_]+$/);
      expect(w.file).toMatch(/^(electron|renderer)\//);
      expect(w.reason.length).toBeGreaterThan(80);
    }
  });
});
