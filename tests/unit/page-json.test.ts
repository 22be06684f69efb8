import { describe, expect, it } from 'vitest';
import { exactJson } from '../e2e/harness/page-json';

describe('exactJson (the e2e carrier of the core’s messages into the page)', () => {
  it('carries plain replies and events as JSON text that parses back to the same value', () => {
    const messages = [
      { id: 7, ok: true, value: { rows: [{ id: 1, name: 'Ada', draft: null, tags: ['a'] }] } },
      { event: 'conflicts:changed', payload: { total: 0, ratio: 0.5, empty: {}, list: [] } },
      'plain text',
      ['\ud800 lone surrogate', '💡'],
    ];
    const json = exactJson(messages);
    expect(json).not.toBeNull();
    expect(JSON.parse(json!)).toStrictEqual(messages);
  });

  it.each([
    ['an undefined property', [{ a: undefined }]],
    ['a missing array slot', [[1, , 3]]], // eslint-disable-line no-sparse-arrays
    ['undefined in an array', [[undefined]]],
    ['NaN', [{ n: NaN }]],
    ['Infinity', [{ n: Infinity }]],
    ['minus zero', [{ n: -0 }]],
    ['a Date', [{ at: new Date(0) }]],
    ['a Map', [{ m: new Map([[1, 2]]) }]],
    ['a typed array', [{ b: new Uint8Array([1]) }]],
    ['a bigint', [{ n: 1n }]],
    ['an object without Object.prototype', [Object.create(null) as object]],
  ])('leaves a message with %s to the structured carrier (null)', (_what, messages) => {
    expect(exactJson(messages)).toBeNull();
  });
});
