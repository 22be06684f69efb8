/**
 * The core process's entry: an Electron utilityProcess in the app, a plain
 * Node child process under the integration and e2e tests. The same code runs
 * in both; only the parent link differs (parent-link.ts).
 */
import { runCoreProcess } from './core-process';
import { parentLink } from './parent-link';

const link = parentLink();
if (!link) {
  process.stderr.write(
    'This is the console’s background process: the console (or its test harness) starts it.\n',
  );
  process.exit(2);
}
runCoreProcess(link);
