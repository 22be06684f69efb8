import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../electron/core/cli/csv';
import { CsvStream } from '../../electron/core/import/csv-stream';

function streamed(text: string, cuts: number[]) {
  const s = new CsvStream();
  const out = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...s.push(text.slice(from, cut)));
    from = cut;
  }
  out.push(...s.end());
  return out;
}

/** A small deterministic generator, so a failure names its seed. */
function rng(seed: number) {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const CASES = [
  'name,email\nAnn,a@x.org\n',
  '\ufeffname\r\nAnn\r\n\r\nBob',
  'a,"b ""q"" c",d\n"multi\nline",x,y\n',
  'a,"unclosed\nb,c\n',
  'a,"closed"junk,c\nnext,row,here',
  'a,b"c,d\n',
  '\n\n\ra,b\r\r\nc,',
  '"",""\n""',
];

describe('CsvStream', () => {
  it('reads exactly what parseCsv reads, however the text is cut', () => {
    for (const text of CASES) {
      const whole = parseCsv(text);
      for (let cut = 0; cut <= text.length; cut++) expect(streamed(text, [cut])).toEqual(whole);
    }
  });

  it('agrees with parseCsv on random inputs cut at random places', () => {
    const alphabet = ['a', 'b', ',', '"', '\r', '\n', '\r\n', ' '];
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      let text = '';
      const len = Math.floor(r() * 40);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(r() * alphabet.length)];
      const cuts = [...new Set(Array.from({ length: 3 }, () => Math.floor(r() * text.length)))];
      cuts.sort((a, b) => a - b);
      expect(streamed(text, cuts), `seed ${seed}: ${JSON.stringify(text)}`).toEqual(parseCsv(text));
    }
  });
});
