import { describe, expect, it } from 'vitest';
import { rulesFromStrategies, suggestedResolution } from '../../shared/resolve/defaults';
import type { ResolvableConflict } from '../../shared/resolve/types';
import { EMPTY_VALUES } from '../../shared/visitor';

const conflict = (over: Partial<ResolvableConflict> = {}): ResolvableConflict => ({
  localId: 'l1',
  serverId: 's1',
  kind: 'field',
  conflictFields: ['phone', 'interests', 'title'],
  clientData: {},
  serverData: {},
  baseData: null,
  serverVersion: 2,
  local: { ...EMPTY_VALUES, name: 'Ada' },
  ...over,
});

describe('per-field strategies from the settings', () => {
  it('become a bulk rule; manual fields are left to the default', () => {
    expect(
      rulesFromStrategies({
        interests: 'merge',
        notes: 'merge',
        phone: 'client_wins',
        title: 'server_wins',
        email: 'manual',
      }),
    ).toEqual({
      fields: { interests: 'merged', notes: 'merged', phone: 'client', title: 'server' },
      default: 'merge',
    });
    expect(rulesFromStrategies({}, 'server_wins')).toEqual({ fields: {}, default: 'server_wins' });
  });

  it('propose picks for the conflicting fields that have a strategy, and only those', () => {
    expect(
      suggestedResolution(conflict(), { interests: 'merge', phone: 'manual', notes: 'merge' }),
    ).toEqual({ strategy: 'manual', picks: { interests: { kind: 'merged' } } });
    expect(
      suggestedResolution(conflict(), {
        interests: 'merge',
        phone: 'client_wins',
        title: 'server_wins',
      }),
    ).toEqual({
      strategy: 'manual',
      picks: {
        phone: { kind: 'client' },
        interests: { kind: 'merged' },
        title: { kind: 'server' },
      },
    });
  });

  it('propose nothing when the settings say nothing, or for a deletion conflict', () => {
    expect(suggestedResolution(conflict(), { phone: 'manual' })).toBeNull();
    expect(suggestedResolution(conflict(), {})).toBeNull();
    expect(
      suggestedResolution(conflict({ kind: 'update_deleted', serverData: null }), {
        phone: 'client_wins',
      }),
    ).toBeNull();
  });
});
