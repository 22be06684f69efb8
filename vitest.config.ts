import { defineConfig } from 'vitest/config';

// Projects so CI can count each level: unit (pure, fast), integration (real
// SQLite files, the real reference server on 127.0.0.1), and integration-pg:
// the reference server's suite again on PostgreSQL, in a throwaway cluster
// that tests/integration/server/pg-global-setup.ts starts and stops. It runs
// after the others, so the two server suites never share the cores.
const SERVER_ONLY_ON_SQLITE = [
  // SQLite files, a locked file, the CLI on its default :memory: database:
  // their PostgreSQL counterparts are in tests/integration/server/postgres/.
  'tests/integration/server/storage-and-lifecycle.test.ts',
  'tests/integration/server/cli.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          exclude: ['tests/integration/server/postgres/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration tests share the two cores with servers they start.
          fileParallelism: false,
          provide: { serverStorage: 'sqlite' },
        },
      },
      {
        test: {
          name: 'integration-pg',
          include: ['tests/integration/server/**/*.test.ts'],
          exclude: SERVER_ONLY_ON_SQLITE,
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          globalSetup: ['tests/integration/server/pg-global-setup.ts'],
          provide: { serverStorage: 'postgres' },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
