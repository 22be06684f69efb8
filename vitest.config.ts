import { defineConfig } from 'vitest/config';

// Two projects so CI can count each level: unit (pure, fast) and integration
// (real SQLite files, the real reference server on 127.0.0.1).
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
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration tests share the two cores with servers they start.
          fileParallelism: false,
        },
      },
    ],
  },
});
