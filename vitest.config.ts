import { defineConfig } from 'vitest/config';

const ignored = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts', 'backend/web/test/**/*.test.ts'],
          exclude: [...ignored, '**/*.int.test.ts', '**/*.e2e.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['*/src/**/*.int.test.ts', '*/test/**/*.int.test.ts', '*/test/**/*.e2e.test.ts'],
          exclude: ignored,
          // Real servers (influxd, OPC UA, chromium) start per file; two cores, so two files at a time.
          pool: 'forks',
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
