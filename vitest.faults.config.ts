import { defineConfig } from 'vitest/config';

// Slower fault-injection tests (kill -9, platform API failures, restarts); `npm run test:faults`.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts', 'test/helpers/postgres.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One file at a time: they spawn processes and measure nothing, but share 2 cores.
    fileParallelism: false,
  },
});
