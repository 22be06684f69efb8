import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsvTable } from '../../electron/core/cli/csv';
import { COLUMNS, splitInterests } from '../../electron/core/cli/import-rows';
import { csvRecordRow, jsonRecordRow, strictMapping } from '../../electron/core/import/mapping';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv: RFC 4180', () => {
  it('reads plain records, one per line, with their line numbers', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
  });

  it('adds no record for a trailing line break, and reads a last line without one', () => {
    expect(fields('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields('a,b\n1,2\n')).toEqual(fields('a,b\n1,2'));
    expect(fields('a,b\r\n1,2\r\n')).toEqual(fields('a,b\n1,2'));
  });

  it('takes CRLF, LF and a lone CR as line breaks, mixed in one file', () => {
    expect(parseCsv('a\r\nb\nc\rd')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
      { line: 3, fields: ['c'] },
      { line: 4, fields: ['d'] },
    ]);
  });

  it('drops a UTF-8 byte order mark at the start only', () => {
    expect(fields('\uFEFFname,email\nA,b')).toEqual([
      ['name', 'email'],
      ['A', 'b'],
    ]);
    expect(fields('x\n\uFEFFy')).toEqual([['x'], ['\uFEFFy']]);
  });

  it('keeps empty fields, leading, trailing and in between', () => {
    expect(fields(',a,,b,')).toEqual([['', 'a', '', 'b', '']]);
    expect(fields(',\n')).toEqual([['', '']]);
    expect(fields('""')).toEqual([['']]);
  });

  it('skips blank lines, and counts them for the lines after', () => {
    expect(parseCsv('a\n\n\r\n\rb\n\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 5, fields: ['b'] },
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\n\n')).toEqual([]);
  });

  it('keeps spaces as part of fields', () => {
    expect(fields(' a , b ')).toEqual([[' a ', ' b ']]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(fields('"Smith, John","say ""hi""","two\nlines"')).toEqual([
      ['Smith, John', 'say "hi"', 'two\nlines'],
    ]);
    expect(fields('"""quoted"""')).toEqual([['"quoted"']]);
    expect(fields('""""')).toEqual([['"']]);
    expect(fields('"a""""b"')).toEqual([['a""b']]);
  });

  it('keeps CRLF inside a quoted field as it is, and counts it as one line', () => {
    const records = parseCsv('h1,h2\r\n"x\r\ny","z"\r\nnext,row\r\n');
    expect(records).toEqual([
      { line: 1, fields: ['h1', 'h2'] },
      { line: 2, fields: ['x\r\ny', 'z'] },
      { line: 4, fields: ['next', 'row'] },
    ]);
  });

  it('numbers a record by its first line when a field spans several', () => {
    const records = parseCsv('h\n"1\n2\n3"\nafter\n"\r\r\n"\nlast');
    expect(records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'h'],
      [2, '1\n2\n3'],
      [5, 'after'],
      [6, '\r\r\n'],
      [9, 'last'],
    ]);
  });

  it('reads a quoted field at the very end of the input', () => {
    expect(fields('a,"b"')).toEqual([['a', 'b']]);
    expect(fields('a,""')).toEqual([['a', '']]);
  });

  it('reports an unterminated quote at the line it opened, and swallows the rest', () => {
    const records = parseCsv('h\nok\n"never closed\nmore\n');
    expect(records.slice(0, 2)).toEqual([
      { line: 1, fields: ['h'] },
      { line: 2, fields: ['ok'] },
    ]);
    expect(records[2]).toMatchObject({
      line: 3,
      error: 'field 1: the quoted field opened on line 3 is never closed',
    });
    expect(records).toHaveLength(3);
  });

  it('reports a quote inside an unquoted field, and goes on with the next record', () => {
    const records = parseCsv('a,b"c,d\nnext,row');
    expect(records[0]).toMatchObject({
      line: 1,
      error: expect.stringMatching(/^field 2: a quote/),
    });
    expect(records[0]!.fields).toEqual(['a', 'b"c', 'd']);
    expect(records[1]).toEqual({ line: 2, fields: ['next', 'row'] });
  });

  it('reports text after a closing quote, and goes on with the next record', () => {
    const records = parseCsv('"ab"c,d\n"x" ,y\nok,ok');
    expect(records[0]).toMatchObject({
      line: 1,
      fields: ['abc', 'd'],
      error: expect.stringMatching(/^field 1: text after the closing quote/),
    });
    expect(records[1]).toMatchObject({ line: 2, error: expect.stringMatching(/^field 1:/) });
    expect(records[2]).toEqual({ line: 3, fields: ['ok', 'ok'] });
  });

  it('reads non-ASCII text, emoji and tabs unchanged', () => {
    expect(fields('Zoë,東京,🎉\tx')).toEqual([['Zoë', '東京', '🎉\tx']]);
  });

  it('reads back any table written by the RFC 4180 rules (property)', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', 'é', ';'),
    });
    const quote = (s: string) =>
      /[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((width) =>
          fc.array(fc.array(cell, { minLength: width, maxLength: width }), {
            minLength: 1,
            maxLength: 8,
          }),
        ),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (table, eol, trailing) => {
          const text = table.map((r) => r.map(quote).join(',')).join(eol) + (trailing ? eol : '');
          const records = parseCsv(text);
          expect(records.every((r) => r.error === undefined)).toBe(true);
          expect(records.map((r) => r.fields)).toEqual(table);
        },
      ),
    );
  });
});

describe('readCsvTable: header and ragged rows', () => {
  it('splits off the header and keeps each row with its line', () => {
    expect(readCsvTable('name,email\nA,a@x.org\n"B\nb",\n')).toEqual({
      ok: true,
      header: ['name', 'email'],
      rows: [
        { line: 2, cells: ['A', 'a@x.org'] },
        { line: 3, cells: ['B\nb', ''] },
      ],
    });
  });

  it('reports rows with too few or too many fields on their line', () => {
    const t = readCsvTable('a,b,c\n1,2,3\n1,2\n1,2,3,4\n\n1,2,3');
    expect(t.ok && t.rows).toEqual([
      { line: 2, cells: ['1', '2', '3'] },
      { line: 3, error: 'expected 3 fields (one per column), found 2' },
      { line: 4, error: 'expected 3 fields (one per column), found 4' },
      { line: 6, cells: ['1', '2', '3'] },
    ]);
    const one = readCsvTable('name\nA,B');
    expect(one.ok && one.rows).toEqual([
      { line: 2, error: 'expected 1 field (one per column), found 2' },
    ]);
  });

  it('passes syntax errors of a row on as that row’s error', () => {
    const t = readCsvTable('a,b\n"x,1\n');
    expect(t.ok && t.rows).toEqual([
      { line: 2, error: 'field 1: the quoted field opened on line 2 is never closed' },
    ]);
  });

  it('refuses an empty file and a broken header', () => {
    expect(readCsvTable('')).toEqual({
      ok: false,
      line: 1,
      error: 'the file is empty: expected a header row',
    });
    expect(readCsvTable('\uFEFF\r\n')).toMatchObject({ ok: false, line: 1 });
    expect(readCsvTable('na"me,email\n')).toMatchObject({
      ok: false,
      line: 1,
      error: expect.stringMatching(/^header: field 1: a quote/),
    });
  });

  it('takes a header alone as a table without rows', () => {
    expect(readCsvTable('name,email\r\n')).toEqual({
      ok: true,
      header: ['name', 'email'],
      rows: [],
    });
  });
});

/** The CLI's way: the header mapped by name, each record through that mapping. */
function csvRows(text: string) {
  const table = readCsvTable(text);
  if (!table.ok) return { line: table.line, error: table.error };
  const mapping = strictMapping(table.header);
  if ('error' in mapping) return { line: 1, error: mapping.error };
  return {
    rows: table.rows.map((r) => ('error' in r ? r : csvRecordRow(r.line, r.cells, mapping))),
  };
}

const JSONL_MAPPING = COLUMNS.map((c) => ({ column: c, target: c }));

describe('import rows from CSV', () => {
  it('maps columns to fields in any order and letter case; empty cells are null', () => {
    const r = csvRows('Email,NAME,interests,id,notes\na@x.org,Ann,AI; cloud|security,,\n');
    expect(r).toEqual({
      rows: [
        {
          line: 2,
          id: null,
          fields: {
            email: 'a@x.org',
            name: 'Ann',
            interests: ['AI', 'cloud', 'security'],
            notes: null,
          },
        },
      ],
    });
  });

  it('keeps an empty name as "" (validation names it) and trims the id', () => {
    expect(csvRows('id,name\n  abc  ,\n')).toEqual({
      rows: [{ line: 2, id: 'abc', fields: { name: '' } }],
    });
  });

  it('refuses unknown, duplicate and unnamed columns, naming them', () => {
    expect(csvRows('name,fax\nA,1')).toEqual({
      line: 1,
      error: expect.stringMatching(/^unknown column "fax" \(the columns are: name, company/),
    });
    expect(csvRows('name,Name\nA,B')).toEqual({
      line: 1,
      error: 'column "name" appears more than once',
    });
    expect(csvRows('name,,email\n')).toEqual({
      line: 1,
      error: 'column 2 of the header has no name',
    });
  });

  it('splits interests on ; and |, trimming and dropping empty items', () => {
    expect(splitInterests(' a ;b|| c ;')).toEqual(['a', 'b', 'c']);
    expect(splitInterests('')).toEqual([]);
    expect(splitInterests('machine learning')).toEqual(['machine learning']);
  });
});

describe('import rows from JSONL', () => {
  it('reads an object per line with the fields as keys', () => {
    expect(jsonRecordRow(1, '{"name":"A"}', JSONL_MAPPING)).toEqual({
      line: 1,
      id: null,
      fields: { name: 'A' },
    });
    expect(jsonRecordRow(4, '{"id":"x","title":null}', JSONL_MAPPING)).toEqual({
      line: 4,
      id: 'x',
      fields: { title: null },
    });
  });

  it('reports malformed JSON, non-objects, unknown keys and bad ids by line', () => {
    const lines = [
      '{"name": "A",',
      '[1,2]',
      '"text"',
      '{"name":"B","fax":"1","__proto__":{}}',
      '{"id":5,"name":"C"}',
      '{"id":"","name":"C"}',
    ];
    const rows = lines.map((text, i) => jsonRecordRow(i + 2, text, JSONL_MAPPING));
    expect(rows.map((r) => [r.line, 'error' in r && r.error.split(' (')[0]])).toEqual([
      [2, expect.stringMatching(/^malformed JSON: /)],
      [3, 'expected a JSON object'],
      [4, 'expected a JSON object'],
      [5, 'unknown fields "fax", "__proto__"'],
      [6, 'id: must be a non-empty string'],
      [7, 'id: must be a non-empty string'],
    ]);
  });
});
