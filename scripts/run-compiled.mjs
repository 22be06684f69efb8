#!/usr/bin/env node
/**
 * Runs a TypeScript entry point as compiled JavaScript:
 *
 *   node scripts/run-compiled.mjs <name> <entry.ts> [args…]
 *
 * `npm run server` (server/cli.ts) and `npm run cli` (electron/core/cli.ts)
 * go through here. The entry is bundled with esbuild into
 * out/node/<name>.mjs, npm packages left external (they load from
 * node_modules as usual), and rebuilt only when a source it was built from
 * (esbuild's metafile lists them) is newer than the bundle. Then the bundle
 * runs in this same process with the same arguments, so stdio, signals and
 * the exit code are the program's own. tsx compiled TypeScript at every start
 * (about 1.4 s here); a warm bundle starts in a fraction of that. Dynamic
 * imports become chunks of their own (out/node/chunks/), written before the
 * entry, so what a command does not reach is not loaded.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const [name, entry, ...args] = process.argv.slice(2);
if (!name || !entry || !/^[a-z0-9-]+$/.test(name)) {
  process.stderr.write('usage: node scripts/run-compiled.mjs <name> <entry.ts> [args…]\n');
  process.exit(2);
}
const outfile = join(root, 'out/node', `${name}.mjs`);
const metafile = join(root, 'out/node', `${name}.meta.json`);

/** Whether the bundle is missing or older than anything it was built from (this script included). */
function stale() {
  if (!existsSync(outfile) || !existsSync(metafile)) return true;
  const built = statSync(outfile).mtimeMs;
  let inputs;
  try {
    inputs = Object.keys(JSON.parse(readFileSync(metafile, 'utf8')).inputs);
  } catch {
    return true;
  }
  for (const input of [...inputs, 'scripts/run-compiled.mjs']) {
    try {
      if (statSync(join(root, input)).mtimeMs > built) return true;
    } catch {
      return true; // a source was removed or renamed
    }
  }
  return false;
}

/**
 * Each module keeps its own import.meta.url (a bundle has one for all), so
 * code that finds files relative to its source, like the CLI reading
 * package.json for its version, reads the same files as under tsx.
 */
const ownImportMeta = {
  name: 'own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      if (contents.includes('import.meta.')) {
        const url = pathToFileURL(args.path).href;
        contents = contents
          .replaceAll('import.meta.url', JSON.stringify(url))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path));
      }
      return { contents, loader: 'ts' };
    });
  },
};

async function build() {
  const esbuild = await import('esbuild');
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { [name]: entry },
    outdir: dirname(outfile),
    // A dynamic import() stays a separate file loaded when reached: bundled
    // into one file, the packages it imports (pg for PostgreSQL, Fastify for
    // the demo server) were hoisted and loaded at every start.
    splitting: true,
    chunkNames: `chunks/${name}-[hash]`,
    outExtension: { '.js': '.mjs' },
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Stack traces name the TypeScript sources with node --enable-source-maps.
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
    plugins: [ownImportMeta],
  });
  // Written aside and renamed: a process starting meanwhile never reads half a file.
  const files = [
    ...result.outputFiles.map((f) => [f.path, f.contents]),
    [metafile, JSON.stringify(result.metafile)],
  ];
  mkdirSync(join(dirname(outfile), 'chunks'), { recursive: true });
  for (const [path, contents] of files) writeFileSync(`${path}.${process.pid}.tmp`, contents);
  // The chunks first: an entry in place always finds the chunks it names.
  const last = (path) => (path === outfile || path === metafile ? 1 : 0);
  files.sort((a, b) => last(a[0]) - last(b[0]));
  for (const [path] of files) renameSync(`${path}.${process.pid}.tmp`, path);
}

if (stale()) {
  try {
    await build();
  } catch (error) {
    process.stderr.write(`run-compiled: cannot build ${entry}: ${error?.message ?? error}\n`);
    process.exit(1);
  }
}
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
