import { describe, expect, it } from 'vitest';
import type { ConflictData } from '../../shared/protocol';
import { fromConflictData } from '../../shared/resolve/conflict';
import { previewResolution } from '../../shared/resolve/preview';
import { resolveRecord } from '../../shared/resolve/strategies';
import type { Resolution, ResolvableConflict } from '../../shared/resolve/types';
import { EMPTY_VALUES, type VisitorValues } from '../../shared/visitor';

/**
 * The examples of the sync system's original description (the "seed"),
 * restated here: its conflict scenarios 1–3 and its two "Unit Tests for
 * Conflict Resolution".
 */

function conflictOf(data: ConflictData, local: Partial<VisitorValues> = {}): ResolvableConflict {
  return fromConflictData({
    localId: 'local_123',
    serverId: 'uuid-456',
    data,
    // The local row holds what the client sent (it is the client's record).
    local: { ...EMPTY_VALUES, name: 'John Smith', ...local },
  });
}

function record(c: ResolvableConflict, r: Resolution): VisitorValues {
  const res = resolveRecord(c, r);
  if (!res.ok) throw new Error(res.error.message);
  if (res.value === 'deleted') throw new Error('deleted');
  return res.value;
}

describe('the seed\'s "Unit Tests for Conflict Resolution"', () => {
  it('should resolve simple field conflict with server wins', () => {
    const conflict = conflictOf({
      clientData: { title: 'Manager' },
      serverData: { title: 'Director' },
      conflictFields: ['title'],
    });
    const result = record(conflict, { strategy: 'server_wins' });
    expect(result.title).toBe('Director');
  });

  it('should merge array fields correctly', () => {
    const conflict = conflictOf({
      clientData: { interests: ['tech', 'AI'] },
      serverData: { interests: ['tech', 'leadership'] },
      conflictFields: ['interests'],
    });
    const result = record(conflict, { strategy: 'merge' });
    expect(result.interests).toEqual(['tech', 'AI', 'leadership']);
  });
});

describe('scenario 1: simple field conflict (title)', () => {
  // The seed's data, lastModified included: it is not a visitor field and is dropped.
  const clientData = {
    name: 'John Smith',
    title: 'Senior Manager',
    company: 'Tech Corp',
    lastModified: '2023-12-01T10:30:00.000Z',
  };
  const serverData = {
    name: 'John Smith',
    title: 'Director of Operations',
    company: 'Tech Corp',
    lastModified: '2023-12-01T10:25:00.000Z',
  };
  const conflict = conflictOf(
    { clientData, serverData, conflictFields: ['title'], serverVersion: 4 },
    { title: 'Senior Manager', company: 'Tech Corp' },
  );

  it('drops non-visitor keys from the wire data', () => {
    expect(conflict.clientData).toEqual({
      name: 'John Smith',
      title: 'Senior Manager',
      company: 'Tech Corp',
    });
    expect(conflict.kind).toBe('field');
  });

  it('option 1, server wins: the title becomes "Director of Operations", nothing is sent', () => {
    const p = previewResolution(conflict, { strategy: 'server_wins' });
    expect(p.ok && p.value.record !== 'deleted' && p.value.record.title).toBe(
      'Director of Operations',
    );
    expect(p.ok && p.value.operation).toBeNull();
    expect(p.ok && p.value.localChanges).toEqual([
      { field: 'title', before: 'Senior Manager', after: 'Director of Operations' },
    ]);
  });

  it('option 2, client wins: the title becomes "Senior Manager", sent alone on version 4', () => {
    const p = previewResolution(conflict, { strategy: 'client_wins' });
    expect(p.ok && p.value.record !== 'deleted' && p.value.record.title).toBe('Senior Manager');
    expect(p.ok && p.value.operation).toEqual({
      action: 'update',
      serverId: 'uuid-456',
      data: { title: 'Senior Manager' },
      baseVersion: 4,
    });
    expect(p.ok && p.value.localChanges).toEqual([]);
  });

  it('option 3, manual: a chosen compromise and notes naming both titles', () => {
    const notes = 'Previous titles: Senior Manager (client), Director of Operations (server)';
    const p = previewResolution(conflict, {
      strategy: 'manual',
      picks: {
        title: { kind: 'typed', value: 'Senior Director' },
        notes: { kind: 'typed', value: notes },
      },
    });
    expect(p.ok && p.value.record !== 'deleted' && p.value.record.title).toBe('Senior Director');
    expect(p.ok && p.value.operation).toEqual({
      action: 'update',
      serverId: 'uuid-456',
      data: { title: 'Senior Director', notes },
      baseVersion: 4,
    });
  });
});

describe('scenario 2: array merge conflict (interests)', () => {
  it('merges to the ordered union', () => {
    const conflict = conflictOf({
      clientData: { interests: ['technology', 'innovation', 'AI', 'blockchain'] },
      serverData: { interests: ['technology', 'innovation', 'leadership', 'management'] },
      conflictFields: ['interests'],
    });
    expect(record(conflict, { strategy: 'merge' }).interests).toEqual([
      'technology',
      'innovation',
      'AI',
      'blockchain',
      'leadership',
      'management',
    ]);
  });
});

describe('scenario 3: complex multi-field conflict, resolved field by field', () => {
  const clientData = {
    title: 'VP Marketing',
    phone: '+1-555-0123',
    interests: ['marketing', 'digital', 'analytics'],
    notes: 'Follow up on Q1 campaign discussion',
  };
  const conflict = conflictOf(
    {
      clientData,
      serverData: {
        title: 'Chief Marketing Officer',
        phone: '+1-555-0124',
        interests: ['marketing', 'strategy', 'branding'],
        notes: 'Interested in our new product line',
      },
      conflictFields: ['title', 'phone', 'interests', 'notes'],
      serverVersion: 9,
    },
    clientData,
  );
  const resolution: Resolution = {
    strategy: 'manual',
    picks: {
      title: { kind: 'server' }, // more recent promotion
      phone: { kind: 'client' }, // the user verified this number
      interests: { kind: 'merged' },
      notes: { kind: 'merged' },
    },
  };

  // The seed's prose joins the notes with ". ", but its mergeData (the code)
  // joins them with "\n---\n"; we follow mergeData, so the two texts stay
  // apart and can be told apart later.
  const notes = 'Follow up on Q1 campaign discussion\n---\nInterested in our new product line';

  it('gives exactly the resolved data of the seed (notes joined as mergeData does)', () => {
    const r = record(conflict, resolution);
    expect(r.title).toBe('Chief Marketing Officer');
    expect(r.phone).toBe('+1-555-0123');
    expect(r.interests).toEqual(['marketing', 'digital', 'analytics', 'strategy', 'branding']);
    expect(r.notes).toBe(notes);
  });

  it('previews the local changes and sends only what differs from the server, on version 9', () => {
    const p = previewResolution(conflict, resolution);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.localEffect).toBe('update');
    expect(p.value.localChanges.map((c) => c.field)).toEqual(['title', 'interests', 'notes']);
    expect(p.value.operation).toEqual({
      action: 'update',
      serverId: 'uuid-456',
      // title is the server's: not sent.
      data: {
        phone: '+1-555-0123',
        interests: ['marketing', 'digital', 'analytics', 'strategy', 'branding'],
        notes,
      },
      baseVersion: 9,
    });
  });
});
