import { defineConfig } from 'vitest/config';

// Against a shared deployment (WXKF_BASE_URL), files reset the same state, so they run one by one.
const shared = Boolean(process.env.WXKF_BASE_URL);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: !shared,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
