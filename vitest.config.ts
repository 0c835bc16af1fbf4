import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // deletes each file's Redis keys when it ends (test/support/redis-keys.ts)
    setupFiles: ['test/support/redis-cleanup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // 2-core machine: many files wait on real services, rate limits and child processes, so a
    // third worker keeps both cores busy (565 s for the suite, against 617 s with two, same day)
    maxWorkers: 3,
    // CI also writes a JSON report, from which .ci/run prints the closing "N passed, N failed" line
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/test-results.json' }]] : ['default'],
  },
});
