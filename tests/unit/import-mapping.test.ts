import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importedLocalId } from '../../electron/core/import/importer';
import {
  autoMapping,
  csvRecordRow,
  jsonRecordRow,
  mappingProblem,
  RejectedLines,
} from '../../electron/core/import/mapping';
import { readSource } from '../../electron/core/import/source';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vrc-src-'));
  dirs.push(dir);
  const path = join(dir, 'f');
  writeFileSync(path, text);
  return path;
}
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('autoMapping', () => {
  it('maps fields by name and common aliases, the first claim wins, the rest are not imported', () => {
    expect(
      autoMapping(['Full name', 'E-mail', 'ORGANISATION', 'Fax', 'email', 'Job title', 'ID']),
    ).toEqual([
      { column: 'Full name', target: 'name' },
      { column: 'E-mail', target: 'email' },
      { column: 'ORGANISATION', target: 'company' },
      { column: 'Fax', target: null },
      { column: 'email', target: null },
      { column: 'Job title', target: 'title' },
      { column: 'ID', target: 'id' },
    ]);
  });

  it('refuses a mapping that does not fit the file, sends two columns to one field, or has no name', () => {
    const cols = ['a', 'b'];
    expect(mappingProblem([{ column: 'a', target: 'name' }], cols)).toMatch(/does not match/);
    expect(
      mappingProblem(
        [
          { column: 'a', target: 'name' },
          { column: 'b', target: 'name' },
        ],
        cols,
      ),
    ).toMatch(/Two columns go to name/);
    expect(
      mappingProblem(
        [
          { column: 'a', target: 'email' },
          { column: 'b', target: null },
        ],
        cols,
      ),
    ).toMatch(/No column goes to name/);
  });
});

describe('rows through a mapping', () => {
  const mapping = [
    { column: 'Who', target: 'name' as const },
    { column: 'Fax', target: null },
    { column: 'Tags', target: 'interests' as const },
    { column: 'Mail', target: 'email' as const },
  ];
  it('CSV: ignored columns are dropped, interests split, empty cells null, ragged rows refused', () => {
    expect(csvRecordRow(2, ['Ann', '123', 'AI; cloud|x', ''], mapping)).toEqual({
      line: 2,
      id: null,
      fields: { name: 'Ann', interests: ['AI', 'cloud', 'x'], email: null },
    });
    expect(csvRecordRow(3, ['Ann'], mapping)).toEqual({
      line: 3,
      error: 'expected 4 fields (one per column), found 1',
    });
  });
  it('JSONL: keys through the mapping, unknown keys refused', () => {
    expect(jsonRecordRow(1, '{"Who":"Ann","Fax":1,"Tags":["a"]}', mapping)).toEqual({
      line: 1,
      id: null,
      fields: { name: 'Ann', interests: ['a'] },
    });
    expect(jsonRecordRow(2, '{"Who":"Ann","Phone":"1"}', mapping)).toMatchObject({
      error: expect.stringMatching(/^unknown field "Phone"/) as unknown,
    });
  });
  it('keeps the first rejected lines and counts them all', () => {
    const r = new RejectedLines(2);
    for (let i = 1; i <= 5; i++) r.add(i, 'bad');
    expect(r.count).toBe(5);
    expect(r.lines.map((l) => l.line)).toEqual([1, 2]);
  });
});

describe('readSource', () => {
  it('JSONL: numbers lines as the file does (CRLF, LF, lone CR, BOM), skips blank ones', async () => {
    const path = file('\ufeff{"a":1}\r\n\r\n{"a":2}\r{"a":3}\n  \n{"a":4}');
    expect(await all(readSource(path, 'jsonl'))).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"a":2}' },
      { line: 4, text: '{"a":3}' },
      { line: 6, text: '{"a":4}' },
    ]);
  });
  it('refuses a file that is not UTF-8, in words', async () => {
    const path = file('name\n');
    writeFileSync(path, Buffer.from([0x6e, 0x0a, 0xff, 0xfe, 0x0a]));
    await expect(all(readSource(path, 'csv'))).rejects.toThrow(/is not UTF-8 text/);
  });
});

describe('importedLocalId', () => {
  const run = { idTime: Date.parse('2026-01-02T03:04:05Z'), fingerprint: 'abc' };
  it('is the same for the same file and line, a UUIDv7 of the run, in line order', () => {
    const ids = [2, 3, 10, 1_000_000].map((l) => importedLocalId(run, l));
    expect(importedLocalId(run, 3)).toBe(ids[1]);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(importedLocalId({ ...run, fingerprint: 'other' }, 3)).not.toBe(ids[1]);
  });
});
