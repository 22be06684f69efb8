/**
 * One first mirror in a process of its own, for sync-engine.bench.ts (T1,
 * T1b): `engine` runs SyncEngine.sync() on a fresh console database (every
 * migration, every index, the search index), `plain` and `bare` run the plain
 * client (plain-client.ts) with and without the mirror's indexes. Args: mode,
 * server URL, token, database path, page size. Prints { n, ms, maxRssMiB }:
 * the records mirrored, the time of the mirror alone (not the process's
 * start), and the process's own peak RSS (getrusage), so no other bench's
 * leftovers count, and the core's memory is the core's alone.
 */
import { DEFAULT_SYNC_SETTINGS } from '../../electron/core/sync/engine';
import { makeCore } from '../fixtures/core';
import { plainMirror } from './plain-client';

const [mode, url, token, dbPath, pageArg] = process.argv.slice(2) as [
  'engine' | 'plain' | 'bare',
  string,
  string,
  string,
  string,
];
const pageSize = Number(pageArg);

async function run(): Promise<number> {
  if (mode !== 'engine') return plainMirror(url, token, dbPath, pageSize, mode === 'plain');
  const core = makeCore({ dbPath, settings: () => ({ ...DEFAULT_SYNC_SETTINGS, pageSize }) });
  core.sync.configure({ serverUrl: url, token });
  try {
    return (await core.sync.sync()).pulled;
  } finally {
    core.dispose();
  }
}

const t0 = performance.now();
const n = await run();
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ n, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
