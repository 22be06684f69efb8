import { describe, expect, it } from 'vitest';
import { keyCommand } from '../../renderer/src/conflicts/keyboard';

const press = (key: string, mods: { shift?: boolean; ctrl?: boolean; meta?: boolean } = {}) =>
  keyCommand({
    key,
    shiftKey: mods.shift ?? false,
    ctrlKey: mods.ctrl ?? false,
    metaKey: mods.meta ?? false,
  });

describe('the workspace keyboard map', () => {
  it('moves between conflicts with arrows or J/K, extending the selection with Shift', () => {
    expect(press('ArrowDown')).toEqual({ type: 'move', by: 1, extend: false });
    expect(press('j')).toEqual({ type: 'move', by: 1, extend: false });
    expect(press('ArrowUp', { shift: true })).toEqual({ type: 'move', by: -1, extend: true });
    expect(press('k')).toEqual({ type: 'move', by: -1, extend: false });
  });

  it('moves between fields and picks a side for the field or the whole record', () => {
    expect(press('ArrowRight')).toEqual({ type: 'field', by: 1 });
    expect(press('h')).toEqual({ type: 'field', by: -1 });
    expect(press('o')).toEqual({ type: 'pick', kind: 'client' });
    expect(press('t')).toEqual({ type: 'pick', kind: 'server' });
    expect(press('m')).toEqual({ type: 'pick', kind: 'merged' });
    expect(press('O', { shift: true })).toEqual({ type: 'whole', strategy: 'client_wins' });
    expect(press('T', { shift: true })).toEqual({ type: 'whole', strategy: 'server_wins' });
    expect(press('M', { shift: true })).toEqual({ type: 'whole', strategy: 'merge' });
    expect(press('e')).toEqual({ type: 'type' });
  });

  it('saves, applies, opens the rule, undoes, searches and shows help', () => {
    expect(press('s')).toEqual({ type: 'save' });
    expect(press('Enter')).toEqual({ type: 'save' });
    expect(press('a')).toEqual({ type: 'apply' });
    expect(press('r')).toEqual({ type: 'rule' });
    expect(press('u')).toEqual({ type: 'undo' });
    expect(press('z', { ctrl: true })).toEqual({ type: 'undo' });
    expect(press('Z', { meta: true })).toEqual({ type: 'undo' });
    expect(press('a', { ctrl: true })).toEqual({ type: 'selectAll' });
    expect(press(' ')).toEqual({ type: 'toggleSelect' });
    expect(press('/')).toEqual({ type: 'search' });
    expect(press('?', { shift: true })).toEqual({ type: 'help' });
  });

  it('leaves other keys (and Ctrl with them) to the browser', () => {
    expect(press('x')).toBeNull();
    expect(press('c', { ctrl: true })).toBeNull();
    expect(press('s', { ctrl: true })).toBeNull();
    expect(press('j', { ctrl: true })).toBeNull();
    expect(press('toString')).toBeNull();
  });
});
