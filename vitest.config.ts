import { defineConfig } from 'vitest/config';

// Against a shared deployment (WXKF_BASE_URL), files reset the same state, so they run one by one.
const shared = Boolean(process.env.WXKF_BASE_URL);

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: !shared,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/**/pg-*.test.ts'] },
      },
      {
        // The store contract, the multi-node tests and the whole conformance suite again, on PostgreSQL.
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/conformance/**/*.test.ts', 'test/store/**/*.test.ts'],
          exclude: ['test/**/sqlite-*.test.ts'],
          env: { WXKF_TEST_BACKEND: 'postgres' },
        },
      },
    ],
  },
});
