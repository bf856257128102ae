import { defineConfig } from 'vitest/config';

const ignored = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources in tests (see their package.json exports).
  ssr: { resolve: { conditions: ['shelfwatch-source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts', 'backend/web/test/**/*.test.ts'],
          exclude: [...ignored, '**/*.int.test.ts', '**/*.e2e.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['*/src/**/*.int.test.ts', '*/test/**/*.int.test.ts', '*/test/**/*.e2e.test.ts'],
          exclude: ignored,
          // They start the compiled services: compile first (incremental, about a second when nothing changed).
          globalSetup: ['test-support/src/compile-services.ts'],
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
