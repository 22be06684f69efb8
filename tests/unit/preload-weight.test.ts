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

/** The modules `entry` imports statically, transitively: what its first script evaluates. */
function staticGraph(entry: string): Map<string, string | null> {
  const result = buildSync({
    entryPoints: [join(root, entry)],
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    splitting: true,
    format: 'esm',
    outdir: join(root, 'out/graph-only'),
    platform: 'browser',
    jsx: 'automatic',
    loader: { '.css': 'empty' },
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs;
  // Each module with the one that first brought it in, to name the chain in a failure.
  const via = new Map<string, string | null>();
  const queue: [string, string | null][] = [[entry, null]];
  while (queue.length) {
    const [file, from] = queue.shift()!;
    if (via.has(file)) continue;
    via.set(file, from);
    for (const i of inputs[file]?.imports ?? [])
      if (i.kind === 'import-statement') queue.push([i.path, file]);
  }
  return via;
}

describe("the window's first script stays light", () => {
  // zod builds every schema a module declares when it is imported: 95 kB of the first
  // script and ~55 ms of its start in a profile, before the first rows could be drawn.
  // Forms and dialogs that check with schemas load them when opened.
  it('renderer/src/main.tsx imports no zod, statically', () => {
    const graph = staticGraph('renderer/src/main.tsx');
    expect(graph.has('renderer/src/visitors/VisitorsScreen.tsx')).toBe(true);
    const chain = (file: string) => {
      const out = [file];
      for (let f = graph.get(file); f; f = graph.get(f)) out.push(f);
      return out.join(' <- ');
    };
    const zod = [...graph.keys()].filter((f) => f.includes('node_modules/zod/'));
    expect(zod.map(chain)).toEqual([]);
  });
});
