import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // forks, not threads: the tests spawn servers and load the Temporal native bridge,
    // which is not safe to share between worker threads.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll waits on projections and pages that settle a moment after an answer; on a loaded
    // 2-core machine one second (the default) is too little.
    expect: { poll: { timeout: 10_000 } },
    // Tests live in test/, and beside the module they test where it is one of its own (publication/).
    include: ['test/**/*.test.ts', 'publication/**/*.test.ts'],
    // The cluster's drills start a production-shaped cluster each: `npm run test:cluster` (vitest.cluster.config.ts).
    exclude: ['test/cluster/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
  },
});
