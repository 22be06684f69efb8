import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ftsQuery } from '../../electron/core/visitors/visitor-search';
import { makeCore, type TestCore } from '../fixtures/core';

let core: TestCore;
beforeEach(() => {
  core = makeCore();
});
afterEach(() => core.dispose());

const names = async (search: string, filter = {}) =>
  (
    await core.call('visitors:page', {
      search,
      filter,
      sort: { column: 'name', direction: 'asc' },
      offset: 0,
      limit: 100,
    })
  ).rows.map((r) => r.name);

describe('ftsQuery', () => {
  it('makes every word a required prefix, quoting away FTS5 syntax', () => {
    expect(ftsQuery('ann lab')).toBe('"ann"* "lab"*');
    expect(ftsQuery('ann@x.org')).toBe('"ann"* "x"* "org"*');
    expect(ftsQuery('NEAR(a b) OR "c"')).toBe('"NEAR"* "a"* "b"* "OR"* "c"*');
    expect(ftsQuery(' -- ')).toBeNull();
  });
});

describe('visitors search', () => {
  beforeEach(async () => {
    const v = (values: Record<string, unknown>) =>
      core.call('visitors:create', { values: { name: 'x', ...values } as { name: string } });
    await v({ name: 'Ann Lee', company: 'Innovation Labs', email: 'ann@labs.io' });
    await v({ name: 'Bob Stone', phone: '+1 555 0100', title: 'CTO' });
    await v({ name: 'Chloé Durand', interests: ['Cloud', 'AI'], notes: 'met at the booth' });
    await v({
      name: 'Dan Brown',
      captureMethod: 'event_badge',
      capturedAt: '2024-05-01T09:00:00+02:00',
    });
    await v({ name: 'Eve Black', captureMethod: 'manual', capturedAt: '2024-05-02T00:30:00Z' });
  });

  it('finds word prefixes in every text field, all words required, accents ignored', async () => {
    expect(await names('inno')).toEqual(['Ann Lee']);
    expect(await names('ann@lab')).toEqual(['Ann Lee']);
    expect(await names('555 01')).toEqual(['Bob Stone']);
    expect(await names('cto')).toEqual(['Bob Stone']);
    expect(await names('clou')).toEqual(['Chloé Durand']);
    expect(await names('booth')).toEqual(['Chloé Durand']);
    expect(await names('chloe')).toEqual(['Chloé Durand']);
    expect(await names('ann stone')).toEqual([]);
    expect((await core.call('visitors:count', { search: 'b' })).total).toBe(4); // Bob, Brown, Black, booth
  });

  it('follows edits and deletions', async () => {
    const [ann] = (
      await core.call('visitors:page', {
        search: 'ann',
        sort: { column: 'name', direction: 'asc' },
        offset: 0,
        limit: 10,
      })
    ).rows;
    await core.call('visitors:update', { localId: ann!.localId, patch: { company: 'Acme' } });
    expect(await names('inno')).toEqual([]);
    expect(await names('acme')).toEqual(['Ann Lee']);
    // Words the edit kept are still found, and each edit again leaves one entry per visitor.
    expect(await names('ann lee')).toEqual(['Ann Lee']);
    await core.call('visitors:update', { localId: ann!.localId, patch: { title: 'Princess' } });
    expect(await names('ann princ')).toEqual(['Ann Lee']);
    expect((await core.call('visitors:count', { search: 'ann' })).total).toBe(1);
    await core.call('visitors:delete', { localId: ann!.localId });
    expect(await names('acme')).toEqual([]);
  });

  it('leaves out a synced visitor whose deletion is queued, and counts the same way with or without filters', async () => {
    core.mirror([
      {
        id: 'srv-1',
        version: 1,
        lastModified: '2024-01-01T00:00:00Z',
        name: 'Zed Synced',
        company: 'Zircon',
        email: null,
        title: null,
        phone: null,
        interests: [],
        notes: null,
        captureMethod: null,
        capturedAt: null,
      } as never,
    ]);
    expect(await names('zirc')).toEqual(['Zed Synced']);
    await core.call('visitors:delete', { localId: 'srv-1' });
    expect(await names('zirc')).toEqual([]);
    expect((await core.call('visitors:count', { search: 'zirc' })).total).toBe(0);
    expect(
      (await core.call('visitors:count', { search: 'zirc', filter: { syncState: 'pending' } }))
        .total,
    ).toBe(0);
  });

  it('filters by capture method, capture instant (any offset) and sync state', async () => {
    expect(await names('', { captureMethod: 'manual' })).toEqual(['Eve Black']);
    // 09:00+02:00 is 07:00Z: before 08:00Z.
    expect(await names('', { capturedTo: '2024-05-01T08:00:00Z' })).toEqual(['Dan Brown']);
    expect(await names('', { capturedFrom: '2024-05-01T08:00:00Z' })).toEqual(['Eve Black']);
    expect(await names('', { syncState: 'pending' })).toHaveLength(5);
    expect(await names('', { syncState: 'synced' })).toEqual([]);
    expect(
      (await core.call('visitors:count', { search: '', filter: { syncState: 'failed' } })).total,
    ).toBe(0);
  });

  it('sorts by phone and by interests', async () => {
    const page = async (column: 'phone' | 'interests') =>
      (
        await core.call('visitors:page', {
          sort: { column, direction: 'desc' },
          offset: 0,
          limit: 1,
        })
      ).rows[0]!.name;
    expect(await page('phone')).toBe('Bob Stone');
    expect(await page('interests')).toBe('Chloé Durand');
  });
});
