import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the production-shaped cluster (infra/cluster/) and its fault drills. One
 * file at a time (each starts a whole cluster), with the time a cluster needs to start and recover.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/cluster/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
    expect: { poll: { timeout: 60_000 } },
  },
});
