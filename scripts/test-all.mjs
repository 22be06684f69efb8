#!/usr/bin/env node
/**
 * npm test: every check and every test, in order, then one closing line
 *   "N passed, N failed, N skipped"
 * summing the static checks (typecheck, lint, format, build, each one check),
 * the vitest tests (unit + integration) and the Playwright tests (e2e).
 * Every step runs even when an earlier one failed, so one run shows everything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(name, cmd, args, env = {}) {
  console.log(`\n━━ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function check(name, cmd, args) {
  if (run(name, cmd, args)) results.passed++;
  else {
    results.failed++;
    failures.push(name);
  }
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

mkdirSync('test-results', { recursive: true });

check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', 'npm', ['run', '--silent', 'lint']);
// No import cycles and no arrow against README's folder map (dependency-cruiser).
check('layering', 'npm', ['run', '--silent', 'layering']);
check('format', 'npm', ['run', '--silent', 'format:check']);
check('build', 'npx', ['electron-vite', 'build']);
// Electronegativity over the Electron configuration; fails on HIGH and on unwaived MEDIUM (SECURITY.md).
check('security scan', 'node', ['scripts/security-scan.mjs']);

// vitest: unit and integration projects
rmSync('test-results/vitest.json', { force: true });
const vitestOk = run('unit + integration tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/vitest.json',
]);
const v = readJson('test-results/vitest.json');
if (v) {
  results.passed += v.numPassedTests;
  results.failed += v.numFailedTests;
  results.skipped += v.numPendingTests + v.numTodoTests;
  if (v.numFailedTests > 0) failures.push(`${v.numFailedTests} vitest test(s)`);
  // A file that fails to load has no tests to count but fails the run.
  if (!vitestOk && v.numFailedTests === 0) {
    results.failed++;
    failures.push('vitest (a test file failed outside any test)');
  }
} else {
  results.failed++;
  failures.push('vitest (no report written)');
}

// Playwright: e2e in Debian's Chromium
const pwReport = 'test-results/playwright-report.json';
rmSync(pwReport, { force: true });
const pwOk = run('e2e tests', 'npx', ['playwright', 'test']);
const p = readJson(pwReport);
if (p?.stats) {
  results.passed += p.stats.expected + (p.stats.flaky ?? 0);
  results.failed += p.stats.unexpected;
  results.skipped += p.stats.skipped;
  if (p.stats.unexpected > 0) failures.push(`${p.stats.unexpected} e2e test(s)`);
  if (!pwOk && p.stats.unexpected === 0) {
    results.failed++;
    failures.push('playwright (failed outside any test)');
  }
} else {
  results.failed++;
  failures.push('playwright (no report written)');
}

console.log('');
if (failures.length) console.log(`failed: ${failures.join(', ')}`);
if (existsSync('test-results/e2e')) console.log('screenshots: test-results/e2e/');
console.log(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed > 0 ? 1 : 0);
