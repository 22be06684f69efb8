/**
 * Seeds a console profile for the Electron test: `n` field conflicts in its
 * database and settings past the welcome screen. It runs under Electron as
 * Node (ELECTRON_RUN_AS_NODE=1), because there better-sqlite3 is built for
 * Electron's ABI, not Node's.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings } from '../../shared/settings';
import { seedConflicts } from '../fixtures/conflicts';
import { makeCore } from '../fixtures/core';

const [userData, n] = process.argv.slice(2);
if (!userData || !n) throw new Error('usage: electron-seed <userData> <conflicts>');
const core = makeCore({ dbPath: join(userData, 'visitors.sqlite') });
seedConflicts(core, Number(n));
core.close();
writeFileSync(
  join(userData, 'settings.json'),
  JSON.stringify({ ...defaultSettings(), welcomeDone: true }),
);
