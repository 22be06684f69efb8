/**
 * The workspace's keyboard map as a pure function, so what each key does is
 * unit-tested and the screen only carries the commands out. The list shown
 * on screen (Shortcuts.tsx) describes these.
 */
export type KeyCommand =
  | { type: 'move'; by: 1 | -1; extend: boolean }
  | { type: 'field'; by: 1 | -1 }
  | { type: 'toggleSelect' }
  | { type: 'selectAll' }
  | { type: 'undo' }
  | { type: 'whole'; strategy: 'client_wins' | 'server_wins' | 'merge' }
  | { type: 'pick'; kind: 'client' | 'server' | 'merged' }
  | { type: 'type' }
  | { type: 'save' }
  | { type: 'apply' }
  | { type: 'rule' }
  | { type: 'search' }
  | { type: 'help' };

export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

const PLAIN: Record<string, KeyCommand> = {
  l: { type: 'field', by: 1 },
  ArrowRight: { type: 'field', by: 1 },
  h: { type: 'field', by: -1 },
  ArrowLeft: { type: 'field', by: -1 },
  ' ': { type: 'toggleSelect' },
  O: { type: 'whole', strategy: 'client_wins' },
  T: { type: 'whole', strategy: 'server_wins' },
  M: { type: 'whole', strategy: 'merge' },
  o: { type: 'pick', kind: 'client' },
  t: { type: 'pick', kind: 'server' },
  m: { type: 'pick', kind: 'merged' },
  e: { type: 'type' },
  s: { type: 'save' },
  Enter: { type: 'save' },
  a: { type: 'apply' },
  r: { type: 'rule' },
  u: { type: 'undo' },
  '/': { type: 'search' },
  '?': { type: 'help' },
};

/** The command a key press means in the workspace, or null when it means nothing here. */
export function keyCommand(e: KeyPress): KeyCommand | null {
  const ctrl = e.ctrlKey || e.metaKey;
  if (e.key === 'ArrowDown' || (e.key === 'j' && !ctrl))
    return { type: 'move', by: 1, extend: e.shiftKey };
  if (e.key === 'ArrowUp' || (e.key === 'k' && !ctrl))
    return { type: 'move', by: -1, extend: e.shiftKey };
  if (ctrl) {
    const k = e.key.toLowerCase();
    return k === 'a' ? { type: 'selectAll' } : k === 'z' ? { type: 'undo' } : null;
  }
  return Object.hasOwn(PLAIN, e.key) ? PLAIN[e.key]! : null;
}
