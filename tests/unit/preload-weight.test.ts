import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** The modules whose code ends up in a bundle of `entry` (those tree-shaken away left out). */
function inputsOf(entry: string): string[] {
  const result = buildSync({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs).flatMap((out) =>
    Object.entries(out.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([file]) => file),
  );
}

describe("the window's client stays light", () => {
  // It runs in every window's preload before the window's first script: the full
  // zod build (classic API and its locales) was most of the preload's 185 kB.
  it.each(['electron/preload/index.ts', 'tests/e2e/harness/bridge.ts'])(
    '%s takes in zod only through its tree-shakable build',
    (entry) => {
      const inputs = inputsOf(entry);
      expect(inputs.some((f) => f.includes('shared/ipc/client.ts'))).toBe(true);
      expect(inputs.filter((f) => /zod\/v4\/(classic|locales)\//.test(f))).toEqual([]);
    },
  );
});
