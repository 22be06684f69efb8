/**
 * One import in a process of its own, for import.bench.ts: the CLI's import
 * (electron/core/cli/import-command.ts → the app's importer) of the file in
 * argv[2] into a new database argv[3]; prints { rows, created, ms, maxRssMiB }.
 * Peak RSS is the process's own (getrusage), whatever the import touched.
 */
import { openDatabase } from '../../electron/core/db/open';
import { importFile } from '../../electron/core/cli/import-command';
import { fingerprint } from '../../electron/core/import/source';

const [file, dbPath] = process.argv.slice(2) as [string, string];
const mapping = ['name', 'company', 'email', 'notes'].map((c) => ({
  column: c,
  target: c as 'name' | 'company' | 'email' | 'notes',
}));
const t0 = performance.now();
const { sha256 } = await fingerprint(file);
const db = openDatabase(dbPath);
const s = await importFile(db, { file, path: file, format: 'csv', sha256 }, mapping, () => {});
db.close();
process.stdout.write(
  JSON.stringify({
    rows: s.rows,
    created: s.created,
    ms: performance.now() - t0,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
