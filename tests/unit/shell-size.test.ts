import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function linesUnder(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|tsx|js|mjs|cjs)$/.test(entry.name)) continue;
    n += readFileSync(join(entry.parentPath, entry.name), 'utf8').split('\n').length - 1;
  }
  return n;
}

describe('the Electron shell stays thin', () => {
  // Everything else is plain Node, tested on machines without the Electron binary:
  // main keeps only what needs Electron (windows, menu, dialogs, safeStorage, online state).
  it('electron/main plus electron/preload hold at most 400 lines', () => {
    expect(linesUnder('electron/main') + linesUnder('electron/preload')).toBeLessThanOrEqual(400);
  });
});
