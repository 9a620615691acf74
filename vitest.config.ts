import { defineConfig } from 'vitest/config';

const shared = {
  testTimeout: 60_000,
  hookTimeout: 180_000,
  // Two cores: integration files share one Elasticsearch; more workers only add contention.
  pool: 'forks' as const,
  maxWorkers: 2,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'main', include: ['tests/**/*.test.ts'], exclude: ['tests/outage/**', 'tests/dashboards/**'], sequence: { groupOrder: 0 } } },
      // Dashboard component tests: a fake DOM (happy-dom), no services.
      {
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
        test: { ...shared, name: 'dashboards', include: ['tests/dashboards/**/*.test.{ts,tsx}'], environment: 'happy-dom', sequence: { groupOrder: 0 } },
      },
      // These stop and restart the shared backing services, so they run alone, after the rest.
      { test: { ...shared, name: 'outage', include: ['tests/outage/**/*.test.ts'], maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
