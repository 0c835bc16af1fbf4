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
    // files share their worker's loaded modules instead of importing the app anew for each of
    // ~170 files (on the night of 2026-12-01 that import was 294 of the suite's 610 s; 54 s shared). Tests
    // that read process-wide state (the metrics registry) compare it before and after their
    // own work (test/support/metrics.ts)
    isolate: false,
    // 2-core machine: many files wait on real services, rate limits and child processes, so a
    // third worker keeps both cores busy (565 s for the suite, against 617 s with two, same day)
    maxWorkers: 3,
    // CI also writes a JSON report, from which .ci/run prints the closing "N passed, N failed" line
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/test-results.json' }]] : ['default'],
  },
});
