#!/usr/bin/env node
/**
 * Runs electronegativity through its own runner and prints its findings as
 * JSON on the last line of stdout (after "@@FINDINGS@@").
 *
 * Why not its CSV: the tool writes the CSV header and the rows with two
 * concurrent fs.writeFile calls (dist/util/file.js), and the header's write
 * truncates the file. Depending on which lands first the CSV is whole, has its
 * first row cut, or holds the header alone — a gate reading it would pass a
 * HIGH finding now and then. The runner's return value has no such race.
 *
 * Usage: node scripts/electronegativity-run.mjs <input dir> <electron version>
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js');

const [input, electronVersion] = process.argv.slice(2);

run(
  {
    input,
    output: undefined,
    isSarif: false,
    customScan: [],
    // Offline it must be skipped: it downloads release data (docs/measured-facts.md).
    excludeFromScan: ['availablesecurityfixesglobalcheck'],
    severitySet: undefined,
    confidenceSet: undefined,
    isRelative: true,
    isVerbose: false,
    electronUpgrade: undefined,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  },
  false,
).then(
  (result) => {
    const findings = result.issues.map((i) => ({
      issue: i.id,
      severity: i.severity.name,
      confidence: i.confidence.name,
      filename: i.file,
      location: `${i.location.line}:${i.location.column}`,
      sample: i.sample ?? 'N/A',
      description: i.description,
      url: `https://github.com/doyensec/electronegativity/wiki/${i.id}`,
    }));
    process.stdout.write(
      `\n@@FINDINGS@@${JSON.stringify({ findings, errors: result.errors.length })}\n`,
    );
  },
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(1);
  },
);
