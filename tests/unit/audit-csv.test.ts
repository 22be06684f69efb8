import { describe, expect, it } from 'vitest';
import { auditCsv } from '../../electron/core/audit/audit-csv';
import { csvCell } from '../../electron/core/csv-cell';
import type { AuditEntry } from '../../electron/core/audit/audit-repo';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 1,
  at: '2026-11-25T10:00:00.000Z',
  actor: 'ada',
  action: 'resolve',
  localId: 'l1',
  serverId: 's1',
  conflictId: 3,
  opId: null,
  batchId: 2,
  detail: { resolution: { strategy: 'merge' } },
  before: { notes: 'a, "b"\nc' },
  after: 'deleted',
  ...over,
});

describe('audit CSV', () => {
  it('quotes cells with commas, quotes and newlines, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1-555-0100')).toBe("'+1-555-0100");
    expect(csvCell('@sum')).toBe("'@sum");
  });

  it('writes a header and one row per entry, JSON kept whole in its cell', () => {
    const { csv, rows } = auditCsv([entry(), entry({ id: 2, opId: 'op-9', after: null })]);
    expect(rows).toBe(2);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'id,at,actor,action,localId,serverId,conflictId,opId,batchId,detail,before,after',
    );
    expect(lines[1]).toContain('"{""resolution"":{""strategy"":""merge""}}"');
    expect(lines[1]).toContain('"{""notes"":""a, \\""b\\""\\nc""}"');
    expect(lines[1]!.endsWith(',deleted')).toBe(true);
    expect(lines[2]!.endsWith(',')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
